#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Peer "sharp" for scripts/bench's format workloads: ../shared/bench/
// sharp_batch.js (JPEG out only) with the output format a choice.
//   bench-sharp.js --box 800 --quality 85 --parallel 4 --threads 1
//                  --format keep|jpg --out DIR FILE...
// Fits each input inside BOX x BOX (aspect kept, EXIF rotation applied) and
// writes OUT/resized_<stem>.<ext>, PARALLEL files at a time, THREADS libvips
// threads each. --format keep writes the input's format with sharp's
// defaults but where imgbatch fixes a setting: PNG as sharp writes it
// (zlib level 6, no adaptive filtering), WebP and AVIF at QUALITY, AVIF 4:2:0
// (libvips' heifsave below Q 90, as imgbatch; sharp's default is 4:4:4),
// TIFF with deflate (sharp's default is JPEG-in-TIFF). Run with
// NODE_PATH=SHARP_DIR/node_modules.
const sharp = require('sharp');
const path = require('path');
const a = process.argv.slice(2);
const opt = {box: 800, quality: 85, parallel: 2, threads: 1, format: 'jpg', out: '.'};
const files = [];
for (let i = 0; i < a.length; i++) {
  if (a[i].startsWith('--')) opt[a[i].slice(2)] = a[++i]; else files.push(a[i]);
}
sharp.concurrency(Number(opt.threads));
sharp.cache(false);
const box = Number(opt.box), q = Number(opt.quality);

function encode(p, ext) {
  switch (ext) {
    case 'jpg': return p.jpeg({quality: q});
    case 'png': return p.png();
    case 'webp': return p.webp({quality: q});
    case 'tif': return p.tiff({compression: 'deflate'});
    case 'avif': return p.avif({quality: q, chromaSubsampling: '4:2:0'});
    default: throw new Error(`cannot write .${ext}`);
  }
}

let next = 0, failed = 0;
async function lane() {
  while (next < files.length) {
    const f = files[next++];
    const stem = path.basename(f, path.extname(f));
    let ext = opt.format === 'keep' ? path.extname(f).slice(1).toLowerCase() : 'jpg';
    if (ext === 'tiff') ext = 'tif';
    try {
      const p = sharp(f).rotate().resize(box, box, {fit: 'inside'});
      await encode(p, ext).toFile(path.join(opt.out, `resized_${stem}.${ext}`));
    } catch (e) { failed++; console.error(`${f}: ${e.message}`); }
  }
}
Promise.all(Array.from({length: Number(opt.parallel)}, lane))
  .then(() => process.exit(failed ? 1 : 0));
