/** A min-heap of timed events: the simulation's virtual clock jumps from one event to the next (no waiting). */
export class EventQueue {
  private heap: { t: number; seq: number; run: () => void }[] = [];
  private seq = 0;

  push(t: number, run: () => void): void {
    const h = this.heap;
    h.push({ t, seq: this.seq++, run });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  /** Runs events in time order (ties in insertion order) until the next one is at or after `untilMs`. */
  runUntil(untilMs: number, onTime: (t: number) => void): void {
    const h = this.heap;
    while (h.length > 0 && h[0].t < untilMs) {
      const top = h[0];
      const last = h.pop()!;
      if (h.length > 0) {
        h[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < h.length && this.before(h[l], h[m])) m = l;
          if (r < h.length && this.before(h[r], h[m])) m = r;
          if (m === i) break;
          [h[i], h[m]] = [h[m], h[i]];
          i = m;
        }
      }
      onTime(top.t);
      top.run();
    }
  }

  private before(a: { t: number; seq: number }, b: { t: number; seq: number }): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }
}
