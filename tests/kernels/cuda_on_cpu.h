// CUDA C on the CPU, for tests: just enough of the CUDA runtime to run minigrad's kernels
// (kernels/cuda/*.cu, unchanged) as ordinary C++, so that a machine without a GPU can check
// their index arithmetic, tiling and edge handling.
//
// Every GPU thread of a block is a std::thread, blocks run one after another, a __shared__
// array is a static (one copy, shared by the block's threads), and __syncthreads() is a
// std::barrier. A kernel is called like a function; `run_kernel` reads its arguments from
// the description tests/kernels/cuda_on_cpu.py writes.

#include <barrier>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __shared__ static

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};
inline thread_local dim3 threadIdx;
inline dim3 blockIdx, blockDim, gridDim;
inline std::barrier<>* block_barrier = nullptr;

inline void __syncthreads() { block_barrier->arrive_and_wait(); }

struct alignas(16) float4 {
    float x, y, z, w;
};
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
inline float __int_as_float(int bits) {
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

// The arguments of one launch: arrays (loaded from files and written back after the run),
// structs of ints (the geometry) and floats, consumed in the kernel's parameter order.
struct Launch {
    std::string kernel;
    dim3 grid, block;
    std::vector<std::string> paths;
    std::vector<std::vector<unsigned char>> arrays;
    std::vector<std::vector<int>> structs;
    std::vector<float> floats;
    size_t next_array = 0, next_struct = 0, next_float = 0;

    template <class T>
    T next() {
        if constexpr (std::is_pointer_v<T>) {
            return reinterpret_cast<T>(arrays.at(next_array++).data());
        } else if constexpr (std::is_same_v<T, float>) {
            return floats.at(next_float++);
        } else {
            const std::vector<int>& ints = structs.at(next_struct++);
            if (ints.size() * sizeof(int) != sizeof(T)) throw std::runtime_error("struct size");
            T value;
            std::memcpy(&value, ints.data(), sizeof(T));
            return value;
        }
    }
};

// Reads: kernel name; grid x y z; block x; then one argument per line:
// "array PATH", "struct N v1 .. vN" or "float V".
inline Launch read_launch(std::istream& in) {
    Launch launch;
    in >> launch.kernel >> launch.grid.x >> launch.grid.y >> launch.grid.z >> launch.block.x;
    std::string kind;
    while (in >> kind) {
        if (kind == "array") {
            std::string path;
            in >> path;
            std::ifstream file(path, std::ios::binary);
            launch.paths.push_back(path);
            launch.arrays.emplace_back(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
        } else if (kind == "struct") {
            size_t count;
            in >> count;
            std::vector<int> ints(count);
            for (int& v : ints) in >> v;
            launch.structs.push_back(ints);
        } else {
            float value;
            in >> value;
            launch.floats.push_back(value);
        }
    }
    return launch;
}

template <class... Params>
void run_kernel(void (*kernel)(Params...), Launch& launch) {
    // braces evaluate left to right, so the arguments are taken in parameter order
    const std::tuple<Params...> args{launch.next<Params>()...};
    gridDim = launch.grid;
    blockDim = launch.block;
    for (unsigned z = 0; z < gridDim.z; ++z)
        for (unsigned y = 0; y < gridDim.y; ++y)
            for (unsigned x = 0; x < gridDim.x; ++x) {
                blockIdx = {x, y, z};
                std::barrier<> barrier(blockDim.x);
                block_barrier = &barrier;
                std::vector<std::thread> threads;
                for (unsigned t = 0; t < blockDim.x; ++t) {
                    threads.emplace_back([&args, kernel, t] {
                        threadIdx = {t, 0, 0};
                        std::apply(kernel, args);
                    });
                }
                for (std::thread& thread : threads) thread.join();
            }
    for (size_t i = 0; i < launch.arrays.size(); ++i) {
        std::ofstream file(launch.paths[i], std::ios::binary);
        file.write(reinterpret_cast<const char*>(launch.arrays[i].data()), launch.arrays[i].size());
    }
}
