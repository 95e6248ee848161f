#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// The renditions workload's sharp peer, its documented way: one input
// pipeline per file, a clone() per output.
//   bench-renditions-sharp.js --sizes 320,640,1280 --formats jpg,webp
//       --quality 85 --parallel 4 --threads 1 --out DIR FILE...
// Writes OUT/resized_<stem>-<size>x<size>.<ext>, fit inside SIZExSIZE, EXIF
// orientation applied, PARALLEL files at a time, THREADS libvips threads.
const sharp = require('sharp');
const path = require('path');
const a = process.argv.slice(2);
const opt = { quality: 85, parallel: 2, threads: 1, out: '.' };
const files = [];
for (let i = 0; i < a.length; i++) {
  if (a[i].startsWith('--')) opt[a[i].slice(2)] = a[++i]; else files.push(a[i]);
}
sharp.concurrency(Number(opt.threads));
sharp.cache(false);
const sizes = opt.sizes.split(',').map(Number);
const formats = opt.formats.split(',');
const q = Number(opt.quality);
let next = 0, failed = 0;
async function lane() {
  while (next < files.length) {
    const f = files[next++];
    const stem = path.basename(f, path.extname(f));
    const input = sharp(f).rotate();
    const outputs = [];
    for (const size of sizes)
      for (const fmt of formats) {
        const p = input.clone().resize(size, size, { fit: 'inside' });
        const o = fmt === 'webp' ? p.webp({ quality: q, effort: 4 }) : p.jpeg({ quality: q });
        outputs.push(o.toFile(path.join(opt.out, `resized_${stem}-${size}x${size}.${fmt}`)));
      }
    try {
      await Promise.all(outputs);
    } catch (e) { failed++; console.error(`${f}: ${e.message}`); }
  }
}
Promise.all(Array.from({ length: Number(opt.parallel) }, lane)).then(() => process.exit(failed ? 1 : 0));
