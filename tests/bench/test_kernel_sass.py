"""bench/kernel_sass.py's reading of cuobjdump's output, on a hand-written listing."""

from bench import kernel_sass

LISTING = "\n".join(
    [
        "        /*0000*/                   MOV R1, c[0x0][0x28] ;",
        "        /*0010*/                   LDG.E.128 R4, desc[UR4][R2.64] ;",
        *[f"        /*{0x20 + 16 * i:04x}*/                   FFMA R8, R4, R5, R8 ;"
          for i in range(48)],
        "        /*0320*/                   LDS.128 R12, [R3] ;",
        "        /*0330*/                   LDS R13, [R3+0x4] ;",
        "        /*0340*/               @P0 BRA 0x20 ;",
        "        /*0350*/                   EXIT ;",
    ]
)


def test_a_backward_branch_makes_a_loop_with_its_instruction_kinds():
    [(span, total, counts)] = kernel_sass.loops(LISTING)
    assert span == "0x20–0x340"
    assert total == 48 + 3  # the FFMAs, two shared-memory reads, the branch
    assert counts["FFMA"] == 48 and counts["LDS"] == 2 and counts["LDS.128"] == 1
    assert counts["LDG"] == 0  # the load before the loop is outside it


def test_short_loops_are_left_out():
    assert kernel_sass.loops(LISTING.replace("BRA 0x20", "BRA 0x300")) == []
