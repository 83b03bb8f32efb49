"""Benchmark the TypeScript extractor: generate N NestJS-like .ts files, parse them in one process.

Not a test: run it by hand and write the numbers in the closing note.

    python benchmarks/bench_ts.py --files 2000 [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from archaudit.analyze import analyze

HEAD = """import {{ Controller, Get, Post, Body, Param, UseGuards }} from '@nestjs/common'
import {{ InjectRepository }} from '@nestjs/typeorm'
import {{ Repository }} from 'typeorm'
import {{ {Cls}Service }} from '../application/{name}.service'
import type {{ {Cls}Dto }} from './{name}.dto'

@Controller('{name}')
@UseGuards(JwtAuthGuard)
export class {Cls}Controller {{
  constructor(private readonly service: {Cls}Service, @InjectRepository(Item) private repo: Repository<Item>) {{}}
"""
METHOD = """
  @Get(':id/items{j}')
  async get{j}(@Param('id') id: string, @Body() body: {Cls}Dto): Promise<{Cls}Dto> {{
    const found = await this.service.find(id, {{ page: {j}, size: 20 }})
    if (!found) {{
      throw new NotFoundException(`item ${{id}} not found`)
    }}
    for (const row of found.rows) {{
      this.logger.log('row', row.id)
    }}
    return found.map((x) => ({{ ...x, index: {j} }}))
  }}
"""


def generate(root: Path, files: int, methods: int = 8) -> int:
    """Write `files` controllers of `methods` methods each; return the number of lines written."""
    lines = 0
    for i in range(files):
        name = f"thing{i}"
        text = (
            HEAD.format(Cls=f"Thing{i}", name=name)
            + "".join(METHOD.format(Cls=f"Thing{i}", j=j) for j in range(methods))
            + "}\n"
        )
        path = root / f"src/domain{i % 20}/{name}.controller.ts"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        lines += text.count("\n")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-ts-"))
    lines = generate(root, args.files)
    paths = sorted(root.rglob("*.ts"))
    start = time.perf_counter()
    skipped = 0
    for p in paths:
        skipped += "skip" in analyze(str(p.relative_to(root)), "typescript", p.read_bytes())
    elapsed = time.perf_counter() - start
    print(
        f"{len(paths)} files, {lines} lines in {elapsed:.2f}s (one process): "
        f"{len(paths) / elapsed:.0f} files/s, {lines / elapsed:.0f} lines/s, {skipped} skipped"
    )
    if args.keep is None:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
