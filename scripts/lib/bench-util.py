#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Helpers for scripts/bench (not part of imgbatch; standard library only,
except 'dims' and 'check', which read image headers with Pillow, and with
libvips' vipsheader for what Pillow cannot read: HEIC, AVIF).

  bench-util.py run [--log FILE] [--interval S] [--quiet-wait S]
                    [--max-other CORES] -- CMD...
      Runs CMD once in a new session and prints one tab-separated line:
        wall_s user_s sys_s tree_rss_kib tree_hwm_kib max_proc_kib
        procs other_cores sampler_cpu_s exit waited_s
      waited_s: how long it waited for a quiet second first (-1: it waited
      --quiet-wait s and found none, and ran anyway)
  bench-util.py dims DIR                       name, width, height per image
  bench-util.py check INPUTS_TSV OUT_DIR BOX [EXT]
                                               outputs (.EXT, default jpg):
                                               count, dimensions, mean size
  bench-util.py small-ok PHOTOS SMALL COPIES   is SMALL made from PHOTOS?
  bench-util.py summary RUNS_TSV CHECKS_TSV MAX_OTHER WORKLOAD...

How 'run' measures (the reason this is Python and not GNU time):
  wall     monotonic clock around fork/exec .. wait4 of the session leader
           (a thread blocks in wait4, so the exit is seen at once).
  CPU      user+sys from wait4's rusage: the leader and every descendant
           that was waited for (xargs, Pool and imgbatch all wait for
           their children), exactly as GNU time reports it.
  memory   GNU time's %M (= ru_maxrss) is the largest single process, so
           a 2-worker tool would look half its size. Instead the tree is
           sampled every --interval s: every process whose session is the
           leader's (or whose parent is in the tree) is found from
           /proc/*/stat, and /proc/PID/status gives its VmRSS (resident
           now) and VmHWM (its own high-water mark so far).
             tree_rss_kib  max over samples of the SUM of VmRSS: the peak
                           footprint of the whole tree as sampled; a peak
                           shorter than the interval can be missed.
             tree_hwm_kib  max over samples of the SUM of VmHWM of the
                           processes alive at that sample: catches a live
                           process's peak that fell between samples, so it
                           bounds the tree's peak from above (it adds peaks
                           that may not have coincided).
             max_proc_kib  ru_maxrss: the largest single process (exact).
           RSS counts shared pages (libvips, libc) once per process.
  other_cores  CPU the rest of the machine used meanwhile: busy jiffies of
           /proc/stat's "cpu" line minus the tree's CPU and the sampler's
           own, divided by wall: 0 on a quiet machine.
"""
import os
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time

HZ = os.sysconf("SC_CLK_TCK")


def busy_seconds():
    # user nice system idle iowait irq softirq steal: all but idle/iowait,
    # the same sum as ../shared/bench/peers.sh.
    with open("/proc/stat") as f:
        v = f.readline().split()[1:9]
    n = [int(x) for x in v]
    return (n[0] + n[1] + n[2] + n[5] + n[6] + n[7]) / HZ


def wait_quiet(limit, max_other):
    """Waits (up to limit s) for a 1 s spell in which the machine used at
    most max_other cores; returns the seconds waited (-1: gave up)."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        a = busy_seconds()
        time.sleep(1)
        if busy_seconds() - a <= max_other:
            return time.monotonic() - start
    return -1 if limit > 0 else 0


class Tree:
    """The processes of one session, found by scanning /proc. Each PID's
    stat is read once, when it first shows up, so a sample costs one
    listdir plus the new PIDs plus the members' status files."""

    def __init__(self):
        self.leader = None  # set after prime(), once the child exists
        self.known = {}  # pid -> (ppid, sid) of every process seen
        self.members = set()  # pids ever found in the tree
        self.hwm = {}  # pid -> its largest VmHWM seen

    def scan(self):
        live = [int(d) for d in os.listdir("/proc") if d.isdigit()]
        alive = set(live)
        for p in [p for p in self.known if p not in alive]:
            del self.known[p]
        for p in sorted(live):  # parents usually have the lower PIDs
            if p in self.known:
                continue
            try:
                with open(f"/proc/{p}/stat") as f:
                    rest = f.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            ppid, sid = int(rest[1]), int(rest[3])
            self.known[p] = (ppid, sid)
            if self.leader is None:
                continue
            if p == self.leader or sid == self.leader or ppid in self.members:
                self.members.add(p)
        return [p for p in live if p in self.members]

    def prime(self):
        """Reads every process that exists before the run, so that the
        scans during the run only read the PIDs that are new."""
        self.scan()

    def sample(self):
        rss = hwm = 0
        for p in self.scan():
            try:
                with open(f"/proc/{p}/status") as f:
                    r = h = 0
                    for line in f:
                        if line.startswith("VmHWM:"):
                            h = int(line.split()[1])
                        elif line.startswith("VmRSS:"):
                            r = int(line.split()[1])
                            break
            except OSError:
                continue
            rss += r
            hwm += h
            if h > self.hwm.get(p, 0):
                self.hwm[p] = h
        return rss, hwm


def cmd_run(argv):
    opts = {"--log": os.devnull, "--interval": "0.05", "--quiet-wait": "0",
            "--max-other": "0.25"}
    while argv and argv[0] != "--":
        opts[argv[0]] = argv[1]
        argv = argv[2:]
    cmd = argv[1:]
    if not cmd:
        sys.exit("bench-util.py run: no command")
    interval = float(opts["--interval"])
    waited = wait_quiet(float(opts["--quiet-wait"]), float(opts["--max-other"]))

    log = open(opts["--log"], "ab")
    tree = Tree()
    tree.prime()
    done = threading.Event()
    result = {}
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    b0 = busy_seconds()
    t0 = time.monotonic()
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)

    def reap():
        _, status, ru = os.wait4(child.pid, 0)
        result["t1"] = time.monotonic()
        result["status"] = status
        result["ru"] = ru
        done.set()

    threading.Thread(target=reap, daemon=True).start()
    tree.leader = child.pid
    # The tool has its own session, so ^C at the terminal does not reach
    # it: pass SIGINT/SIGTERM on to its whole session, then give up.
    def stop(signum, _frame):
        try:
            os.killpg(child.pid, signal.SIGTERM)
        except OSError:
            pass
        done.wait(5)
        sys.exit(128 + signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    peak_rss = peak_hwm = 0
    while not done.is_set():
        rss, hwm = tree.sample()
        peak_rss = max(peak_rss, rss)
        peak_hwm = max(peak_hwm, hwm)
        done.wait(interval)
    b1 = busy_seconds()
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    child.returncode = 0  # reaped by hand above; keep Popen quiet

    ru = result["ru"]
    wall = result["t1"] - t0
    cpu = ru.ru_utime + ru.ru_stime
    mine = (self1.ru_utime - self0.ru_utime) + (self1.ru_stime - self0.ru_stime)
    other = max(0.0, (b1 - b0 - cpu - mine) / wall) if wall > 0 else 0.0
    print("\t".join([
        f"{wall:.3f}", f"{ru.ru_utime:.2f}", f"{ru.ru_stime:.2f}",
        str(peak_rss), str(peak_hwm), str(ru.ru_maxrss), str(len(tree.members)),
        f"{other:.2f}", f"{mine:.2f}",
        str(os.waitstatus_to_exitcode(result["status"])), f"{waited:.0f}"]))


IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic",
              ".heif", ".avif")


def image_names(d, exts=IMAGE_EXTS):
    return sorted(n for n in os.listdir(d)
                  if not n.startswith(".") and n.lower().endswith(exts))


def sizes(paths):
    """path -> (width, height) or None, as displayed (HEIF is upright from
    libheif). Pillow where it can read the file, one vipsheader for the
    rest."""
    from PIL import Image
    res, rest = {}, []
    for p in paths:
        if p.lower().endswith((".heic", ".heif", ".avif")):
            rest.append(p)
            continue
        try:
            with Image.open(p) as im:
                res[p] = (im.width, im.height)
        except OSError:
            rest.append(p)
    if rest:
        # "path: WxH uchar, 3 bands, srgb, heifload", one line a file
        r = subprocess.run(["vipsheader"] + rest, capture_output=True, text=True)
        for line in r.stdout.splitlines():
            path, _, info = line.rpartition(": ")
            dims = info.split(" ", 1)[0].split("x")
            if path in rest and len(dims) == 2:
                res[path] = (int(dims[0]), int(dims[1]))
    return {p: res.get(p) for p in paths}


def cmd_dims(argv):
    d = argv[0]
    names = image_names(d)
    got = sizes([os.path.join(d, n) for n in names])
    for n in names:
        wh = got[os.path.join(d, n)]
        if wh is None:
            sys.exit(f"bench-util.py dims: cannot read {n}")
        print(f"{n}\t{wh[0]}\t{wh[1]}")


def fits(w, h, ow, oh, box):
    """Fit inside box x box, aspect kept: the long side is box, the short
    one within a pixel of the exact value (tools round differently)."""
    f = box / max(w, h)
    return (max(ow, oh) == box and abs(ow - w * f) <= 1.01
            and abs(oh - h * f) <= 1.01)


def cmd_check(argv):
    """Prints 'ok N/N AVG_KB' or 'FAIL ... AVG_KB' for the outputs that the
    last run left in OUT_DIR: resized_<stem>.EXT (imgbatch, vipsthumbnail,
    Pillow, sharp) or <stem>.EXT (mogrify, gm mogrify)."""
    inputs, out, box = argv[0], argv[1], int(argv[2])
    ext = "." + (argv[3] if len(argv) > 3 else "jpg")
    rows = [line.rstrip("\n").split("\t") for line in open(inputs) if line.strip()]
    files = [n for n in os.listdir(out) if n.endswith(ext)]
    nbytes = sum(os.path.getsize(os.path.join(out, n)) for n in files)
    avg_kb = nbytes / len(files) / 1024 if files else 0
    want = {}
    for name, w, h in rows:
        stem = os.path.splitext(name)[0]
        o = os.path.join(out, "resized_" + stem + ext)
        if not os.path.exists(o):
            o = os.path.join(out, stem + ext)
        want[name] = (o, int(w), int(h))
    got = sizes([o for o, _, _ in want.values() if os.path.exists(o)])
    bad = []
    for name, (o, w, h) in want.items():
        if got.get(o) is None:
            bad.append(f"{name}: no output")
            continue
        ow, oh = got[o]
        if not fits(w, h, ow, oh, box):
            bad.append(f"{name} {w}x{h} -> {ow}x{oh}")
    n = len(rows)
    if bad or len(files) != n:
        print(f"FAIL {len(files)}/{n} files, {len(bad)} bad (first: {bad[0] if bad else '-'})"
              f"\t{avg_kb:.1f}")
    else:
        print(f"ok {len(files)}/{n}\t{avg_kb:.1f}")


def cmd_check_renditions(argv):
    """Like check, for the renditions workload: OUT_DIR must hold
    resized_<stem>-<SIZE>x<SIZE>.<ext> for every input, SIZE and EXT (SIZES and
    EXTS comma-separated), each fit inside SIZExSIZE. Prints 'ok N/N
    AVG_KB' (N: inputs with every output) or 'FAIL ...'."""
    inputs, out = argv[0], argv[1]
    boxes = [int(b) for b in argv[2].split(",")]
    exts = argv[3].split(",")
    rows = [line.rstrip("\n").split("\t") for line in open(inputs) if line.strip()]
    want = []
    for name, w, h in rows:
        stem = os.path.splitext(name)[0]
        for box in boxes:
            for ext in exts:
                want.append((name, os.path.join(out, f"resized_{stem}-{box}x{box}.{ext}"),
                             int(w), int(h), box))
    present = [o for _, o, _, _, _ in want if os.path.exists(o)]
    got = sizes(present)
    nbytes = sum(os.path.getsize(o) for o in present)
    avg_kb = nbytes / len(present) / 1024 if present else 0
    bad, whole = [], set(r[0] for r in rows)
    for name, o, w, h, box in want:
        wh = got.get(o)
        if wh is None:
            bad.append(f"{os.path.basename(o)}: no output")
        elif not fits(w, h, wh[0], wh[1], box):
            bad.append(f"{os.path.basename(o)} {w}x{h} -> {wh[0]}x{wh[1]}")
        else:
            continue
        whole.discard(name)
    n = len(rows)
    if bad:
        print(f"FAIL {len(whole)}/{n} inputs whole, {len(bad)} bad (first: {bad[0]})"
              f"\t{avg_kb:.1f}")
    else:
        print(f"ok {n}/{n} (x{len(boxes) * len(exts)})\t{avg_kb:.1f}")


def cmd_small_ok(argv):
    """Exit 0 when SMALL holds exactly c01_<photo> .. cNN_<photo> for every
    photo, each c01 640 px wide and its copies the same size in bytes."""
    from PIL import Image
    photos, small, copies = argv[0], argv[1], int(argv[2])
    if not os.path.isdir(small):
        sys.exit("missing")
    have = set(os.listdir(small))
    names = image_names(photos, (".jpg", ".jpeg", ".png"))
    want = {f"c{i:02d}_{n}" for n in names for i in range(1, copies + 1)}
    if have != want:
        sys.exit(f"{len(have)} files, not the {len(want)} expected names")
    for n in names:
        first = os.path.join(small, f"c01_{n}")
        with Image.open(first) as im:
            if im.width != 640:
                sys.exit(f"c01_{n} is {im.width} px wide, not 640")
        size = os.path.getsize(first)
        for i in range(2, copies + 1):
            if os.path.getsize(os.path.join(small, f"c{i:02d}_{n}")) != size:
                sys.exit(f"c{i:02d}_{n} is not a copy of c01_{n}")


def median(v):
    return statistics.median(v) if v else float("nan")


FLOOR_LABELS = {
    "djpeg-s8": "djpeg -scale 1/8, the decode floor",
    "djpeg-vipsscale": "djpeg at vipsthumbnail's scale",
    "decode-vips": "libvips' own decode (in-process load, every pixel)",
    "decode-vips-sol": "libvips' decode at thumbnail's shrink-on-load "
                       "(HEIF: the thumbnail where taken; WebP: at the target size)",
    "decode-pil": "Pillow's decode (Image.load)",
    "decode-dwebp": "dwebp",
    "decode-dwebp-sol": "dwebp -resize to libvips' shrink-on-load size",
    "decode-heif": "heif-convert to Y4M (the codec alone, no RGB)",
    "decode-tiff": "tiffinfo -D (libtiff alone)",
}


def is_floor(tool):
    return tool.startswith(("djpeg-", "decode-"))


def set_of(workload):
    """png-800-jpg -> png; the JPEG workloads (800, 100, small) have none:
    their floors run with them."""
    return workload.split("-")[0] if "-" in workload else None


def floors_for(workload, runs):
    """The format workloads' decode floors run once per set (they do not
    depend on the box or the output format; the -sol ones only on the
    box): tool -> (runs, workload they ran in)."""
    s = set_of(workload)
    res = {}
    for r in runs:
        t, w = r["tool"], r["workload"]
        if not t.startswith("decode-") or set_of(w) != s:
            continue
        if t.endswith("-sol") and w.split("-")[1] != workload.split("-")[1]:
            continue
        res.setdefault(t, ([], w))[0].append(r)
    return res


def cmd_summary(argv):
    runs_tsv, checks_tsv, max_other = argv[0], argv[1], float(argv[2])
    workloads = argv[3:]
    runs = []
    with open(runs_tsv) as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            r = dict(zip(head, line.rstrip("\n").split("\t")))
            if r["kept"] == "yes":
                runs.append(r)
    checks = {}
    if os.path.exists(checks_tsv):
        for line in open(checks_tsv):
            w, t, verdict, kb = line.rstrip("\n").split("\t")
            checks[(w, t)] = (verdict, kb)

    for w in workloads:
        rs = [r for r in runs if r["workload"] == w]
        if not rs:
            continue
        tools = list(dict.fromkeys(r["tool"] for r in rs))
        by = {t: [r for r in rs if r["tool"] == t] for t in tools}
        med = {t: median([float(r["wall_s"]) for r in by[t]]) for t in tools}
        ref = med.get("imgbatch")
        n_in = rs[0]["inputs"]
        print(f"## workload {w}: {rs[0]['desc']} ({n_in} files)\n")
        print("| tool | runs | median wall s | min..max s | CPU s | peak tree RSS MB "
              "| Σ HWM MB | avg out KB | outputs | imgbatch / tool | other load | busy |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|")
        busy_total = 0
        for t in tools:
            v = by[t]
            walls = [float(r["wall_s"]) for r in v]
            cpu = median([float(r["cpu_s"]) for r in v])
            rss = max(int(r["tree_rss_kib"]) for r in v) / 1024
            hwm = max(int(r["tree_hwm_kib"]) for r in v) / 1024
            other = median([float(r["other_cores"]) for r in v])
            busy = sum(1 for r in v if float(r["other_cores"]) > max_other)
            busy_total += busy
            failed = [r for r in v if r["exit"] != "0"]
            if is_floor(t):
                verdict, kb = "decode only", "-"
            else:
                verdict, kb = checks.get((w, t), ("?", "-"))
                short = [r for r in v if r["outputs"] != r["inputs"]]
                if short:
                    verdict = f"FAIL: {len(short)} run(s) short of outputs; " + verdict
            if failed:
                verdict = f"FAIL: exit {failed[0]['exit']}; " + verdict
            ratio = f"{ref / med[t]:.2f}" if ref and med[t] > 0 else "-"
            flag = f"{busy}/{len(v)} rerun" if busy else "-"
            print(f"| {t} | {len(v)} | {med[t]:.2f} | {min(walls):.2f}..{max(walls):.2f} "
                  f"| {cpu:.2f} | {rss:.0f} | {hwm:.0f} | {kb} | {verdict} | {ratio} "
                  f"| {other:.2f} | {flag} |")
        print()
        peers = {t: m for t, m in med.items()
                 if not t.startswith("imgbatch") and not is_floor(t) and m > 0}
        for t in tools:
            if t.startswith("imgbatch-") and ref and med[t] > 0:
                print(f"- imgbatch / {t}: **{ref / med[t]:.2f}** "
                      f"({ref:.2f} s / {med[t]:.2f} s, median wall)")
        if ref and peers:
            best = min(peers, key=peers.get)
            print(f"- imgbatch / best peer ({best}): **{ref / peers[best]:.2f}** "
                  f"({ref:.2f} s / {peers[best]:.2f} s, median wall)")
        floors = {t: (by[t], w) for t in tools if is_floor(t)}
        if set_of(w):
            floors = floors_for(w, runs)
        for floor, (v, where) in sorted(floors.items()):
            m = median([float(r["wall_s"]) for r in v])
            label = FLOOR_LABELS.get(floor, floor)
            note = f", measured in workload {where}" if where != w else ""
            if ref and m > 0:
                print(f"- imgbatch / {label}: **{ref / m:.2f}** "
                      f"({ref:.2f} s / {m:.2f} s, median wall{note})")
        if busy_total:
            print(f"- **BUSY MACHINE: {busy_total} of {len(rs)} runs had other processes "
                  f"using more than {max_other} cores ('other load'): rerun on a quiet "
                  f"machine before quoting these figures.**")
        print()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd = {"run": cmd_run, "dims": cmd_dims, "check": cmd_check,
           "small-ok": cmd_small_ok, "check-renditions": cmd_check_renditions, "summary": cmd_summary}.get(sys.argv[1])
    if not cmd:
        sys.exit(__doc__)
    cmd(sys.argv[2:])


if __name__ == "__main__":
    main()
