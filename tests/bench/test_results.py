from bench.results import write_section


def test_a_section_is_added_then_replaced_without_touching_the_others(tmp_path):
    path = tmp_path / "RESULTS.md"
    write_section("CPU", "| a | 1 |", path)
    write_section("GPU kernels", "not measured yet", path)
    write_section("CPU", "| a | 2 |\n\nmore", path)
    text = path.read_text()
    assert text.startswith("# Benchmark results\n")
    assert text.count("## CPU") == 1 and "| a | 1 |" not in text
    assert "## CPU\n\n| a | 2 |\n\nmore\n\n## GPU kernels\n\nnot measured yet\n" in text
    assert text.endswith("not measured yet\n")


def test_a_title_that_looks_like_a_pattern_is_taken_literally(tmp_path):
    path = tmp_path / "RESULTS.md"
    write_section("GPU (H100)", "x", path)
    write_section("GPU (H100)", "y", path)
    assert path.read_text().count("## GPU (H100)") == 1
