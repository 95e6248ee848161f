#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The renditions workload's Pillow peer: multiprocessing.Pool + Pillow.

    bench-renditions-pil.py --sizes 320,640,1280 --formats jpg,webp
        --quality 85 --workers 2 --out DIR FILE...

The way its users make several sizes of an image: open it once, decode it
once (drafted, as thumbnail() drafts, for the largest size: libjpeg's DCT
scaling to at least twice that size), then for each size, largest first, a
copy through thumbnail() (reduce() and BICUBIC), saved in each format:
DIR/resized_<stem>-<size>x<size>.<ext>, quality QUALITY (WebP: Pillow's default
method 4, as libvips' effort 4). EXIF orientation is applied (exif_transpose)
as imgbatch and sharp apply it.
"""
import argparse
import os
import sys
from multiprocessing import Pool

from PIL import Image, ImageOps

SAVE = {"jpg": ("JPEG", {}), "webp": ("WEBP", {"method": 4})}


def work(job):
    path, out_dir, sizes, formats, quality = job
    stem = os.path.splitext(os.path.basename(path))[0]
    with Image.open(path) as img:
        largest = max(sizes)
        img.draft("RGB", (largest * 2, largest * 2))
        img = ImageOps.exif_transpose(img)
        if img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        for size in sorted(sizes, reverse=True):
            out = img.copy()
            out.thumbnail((size, size))
            for fmt in formats:
                name, opts = SAVE[fmt]
                out.save(os.path.join(out_dir, f"resized_{stem}-{size}x{size}.{fmt}"),
                         name, quality=quality, **opts)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", required=True)
    ap.add_argument("--formats", required=True)
    ap.add_argument("--quality", type=int, default=85)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", required=True)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    formats = args.formats.split(",")
    jobs = [(f, args.out, sizes, formats, args.quality) for f in args.files]
    with Pool(args.workers) as pool:
        # chunksize=1: one file per task, so the workers stay balanced.
        for _ in pool.imap_unordered(work, jobs, chunksize=1):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
