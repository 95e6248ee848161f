#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Peer "multiprocessing.Pool + Pillow" for scripts/bench's format workloads:
../shared/bench/pil_pool.py (JPEG out only) with the output format a choice.

    bench-pil.py --mode thumbnail|resize|decode --out DIR [--box 800]
                 [--quality 85] [--format keep|jpg] [--workers 2] FILE...

Each input is resized to fit inside BOX x BOX (aspect kept) by a Pool of
WORKERS processes, one file a task, and written as DIR/resized_<stem>.<ext>:

  thumbnail  img.thumbnail((box, box)), as pil_pool.py: draft() (a no-op
             but for JPEG), reduce() by an integer factor while that leaves
             2x the target (reducing_gap=2.0), then BICUBIC.
  resize     img.resize(fitted size), BICUBIC from the full image.
  decode     img.load() only, nothing written: Pillow's decode floor.

--format jpg writes JPEG at QUALITY (as pil_pool.py: a mode other than RGB
or L is converted to RGB, so alpha is dropped, not flattened). --format keep
writes the input's own format with Pillow's defaults but where imgbatch
fixes a setting: PNG as Pillow writes it (zlib level 6, its own adaptive
filter choice per row), WebP at QUALITY (method 4), TIFF with deflate
(imgbatch writes deflate; Pillow's default is no compression). Pillow does
not apply ICC profiles (imgbatch converts tagged inputs to sRGB). A 16-bit
grey image (I;16) is made 8-bit first: Pillow cannot resize it.
"""
import argparse
import os
import sys
from multiprocessing import Pool

from PIL import Image

EXT = {"PNG": "png", "WEBP": "webp", "TIFF": "tif", "JPEG": "jpg"}


def fitted(width, height, box):
    scale = min(box / width, box / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def save(img, fmt, path, quality):
    if fmt == "JPEG":
        if img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        img.save(path, "JPEG", quality=quality)
    elif fmt == "WEBP":
        img.save(path, "WEBP", quality=quality)
    elif fmt == "TIFF":
        img.save(path, "TIFF", compression="tiff_adobe_deflate")
    else:
        img.save(path, fmt)


def work(job):
    path, out_dir, mode, box, quality, keep = job
    with Image.open(path) as img:
        if mode == "decode":
            img.load()
            return None
        fmt = img.format if keep else "JPEG"
        if fmt not in EXT:
            raise SystemExit(f"bench-pil.py: {path}: cannot write {fmt}")
        stem = os.path.splitext(os.path.basename(path))[0]
        dst = os.path.join(out_dir, f"resized_{stem}.{EXT[fmt]}")
        if img.mode.startswith("I;16"):
            img = img.convert("I").point(lambda v: v * (1 / 257)).convert("L")
        if mode == "thumbnail":
            img.thumbnail((box, box))
            out = img
        else:
            out = img.resize(fitted(img.width, img.height, box))
        save(out, fmt, dst, quality)
    return dst


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=("thumbnail", "resize", "decode"),
                    required=True)
    ap.add_argument("--out", default=".")
    ap.add_argument("--box", type=int, default=800)
    ap.add_argument("--quality", type=int, default=85)
    ap.add_argument("--format", choices=("keep", "jpg"), default="jpg")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()

    jobs = [(f, args.out, args.mode, args.box, args.quality,
             args.format == "keep") for f in args.files]
    done = 0
    with Pool(args.workers) as pool:
        for _ in pool.imap_unordered(work, jobs, chunksize=1):
            done += 1
    if done != len(jobs):
        sys.exit(f"bench-pil.py: did {done} of {len(jobs)}")


if __name__ == "__main__":
    main()
