"""Every ```c block of the README must appear, line for line, inside one of
the compiled examples in examples/c (leading indentation ignored), so the
README's C code is code that make test builds and runs."""
import pathlib
import sys


def norm(lines):
    return [l.strip() for l in lines if l.strip()]


def main(readme, examples_dir):
    text = pathlib.Path(readme).read_text().splitlines()
    blocks, cur = [], None
    for line in text:
        if cur is None and line.strip() == "```c":
            cur = []
        elif cur is not None and line.strip() == "```":
            blocks.append(cur)
            cur = None
        elif cur is not None:
            cur.append(line)
    examples = {p.name: norm(p.read_text().splitlines())
                for p in pathlib.Path(examples_dir).glob("*.c")}
    if not blocks:
        print("README has no C blocks")
        return 1
    failed = 0
    for i, block in enumerate(blocks):
        want = norm(block)
        found = any(
            ex[k:k + len(want)] == want
            for ex in examples.values() for k in range(len(ex) - len(want) + 1))
        if not found:
            failed += 1
            print(f"README C block {i + 1} (starting {want[0]!r}) is in no examples/c file")
    print(f"{len(blocks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
