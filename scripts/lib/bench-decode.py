#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""libvips' own decode floor for scripts/bench: every pixel of each file
decoded by libvips' loader, nothing resized or written.

    bench-decode.py [--workers 2] [--shrink-on-load BOX] FILE...

A Pool of WORKERS processes, each starting libvips once (through ctypes:
Debian has no pyvips) as an imgbatch worker does: one thread
(vips_concurrency_set(1)), no operation cache. Per file:
vips_image_new_from_file(FILE, access=sequential) and vips_avg() over it,
which pulls every pixel through the loader a strip at a time without
keeping the image (`vips copy F x.v` would add writing it, and the `vips`
command's start-up, 0.13 s of CPU, once per file).

--shrink-on-load BOX: load as libvips 8.14's thumbnail (thumbnail.c) would
to fit BOX x BOX, i.e. the floor of vips_thumbnail with its shrink-on-load:
a HEIF/AVIF file's embedded thumbnail instead of the primary image when
the thumbnail is smaller than the image and its shrink to fit the box is
more than 1 (it is never enlarged); a WebP file at scale 1 / shrink, which
libwebp's decoder rescales to as it goes (for a fit inside the box, the
target size itself); other formats whole (PNG has no shrink-on-load; TIFF
only from a pyramid, which these files do not have). Prints "shrink-on-load:
N of M files" on stderr.
"""
import argparse
import ctypes
import sys
from multiprocessing import Pool

ACCESS_SEQUENTIAL = 1
vips = None


def start():
    global vips
    vips = ctypes.CDLL("libvips.so.42")
    vips.vips_init.argtypes = [ctypes.c_char_p]
    vips.vips_image_new_from_file.restype = ctypes.c_void_p
    vips.vips_error_buffer.restype = ctypes.c_char_p
    vips.vips_image_get_width.argtypes = [ctypes.c_void_p]
    vips.vips_image_get_height.argtypes = [ctypes.c_void_p]
    vips.vips_image_get_typeof.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    vips.vips_foreign_find_load.restype = ctypes.c_char_p
    vips.g_object_unref.argtypes = [ctypes.c_void_p]
    if vips.vips_init(b"bench-decode") != 0:
        sys.exit("bench-decode.py: cannot start libvips")
    vips.vips_concurrency_set(1)
    vips.vips_cache_set_max(0)


def open_image(path, *options):
    args = [path.encode(), b"access", ctypes.c_int(ACCESS_SEQUENTIAL)]
    args += list(options)
    img = vips.vips_image_new_from_file(*args, None)
    if not img:
        raise RuntimeError(f"{path}: {vips.vips_error_buffer().decode()}")
    return img


def size_of(img):
    return vips.vips_image_get_width(img), vips.vips_image_get_height(img)


def common_shrink(width, height, box):
    """thumbnail.c's vips_thumbnail_calculate_common_shrink() for a fit
    inside box x box (size both, no crop, no rotation): the larger of the
    two axes' shrinks, never sending an axis to 0."""
    shrink = max(width / box, height / box)
    return min(shrink, width, height)


def load_options(path, box):
    """The loader options libvips' thumbnail would use, () for none."""
    loader = vips.vips_foreign_find_load(path.encode()) or b""
    if loader.startswith(b"VipsForeignLoadHeif"):
        main = open_image(path)
        width, _ = size_of(main)
        vips.g_object_unref(main)
        thumb = open_image(path, b"thumbnail", ctypes.c_int(1))
        tw, th = size_of(thumb)
        vips.g_object_unref(thumb)
        # heif_thumbnail_width stays 0 (shrink 0) when there is none
        if tw < width and common_shrink(tw, th, box) > 1.0:
            return (b"thumbnail", ctypes.c_int(1))
    elif loader.startswith(b"VipsForeignLoadWebp"):
        img = open_image(path)
        factor = max(1.0, common_shrink(*size_of(img), box))
        vips.g_object_unref(img)
        if factor != 1.0:
            return (b"scale", ctypes.c_double(1.0 / factor))
    return ()


def work(job):
    path, box = job
    options = load_options(path, box) if box > 0 else ()
    img = open_image(path, *options)
    mean = ctypes.c_double()
    rc = vips.vips_avg(ctypes.c_void_p(img), ctypes.byref(mean), None)
    vips.g_object_unref(img)
    if rc != 0:
        raise RuntimeError(f"{path}: {vips.vips_error_buffer().decode()}")
    return bool(options)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shrink-on-load", type=int, default=0, metavar="BOX")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    jobs = [(f, args.shrink_on_load) for f in args.files]
    with Pool(args.workers, initializer=start) as pool:
        used = sum(pool.imap_unordered(work, jobs, chunksize=1))
    if args.shrink_on_load:
        print(f"shrink-on-load: {used} of {len(jobs)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
