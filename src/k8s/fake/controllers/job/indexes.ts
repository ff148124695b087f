// Sets of completion indexes as ordered, non-adjacent intervals, written the way
// status.completedIndexes / failedIndexes and successPolicy's succeededIndexes are:
// "1,3-5,7"; a run of two is "0,1", a run of three or more "a-b".

export interface Interval {
  first: number;
  last: number;
}

export class Indexes {
  private constructor(readonly intervals: readonly Interval[]) {}

  static empty(): Indexes {
    return new Indexes([]);
  }

  /** Parses a list, ignoring corrupt parts and anything at or past `completions`, as the controller does. */
  static parse(text: string, completions: number): Indexes {
    if (!text) return Indexes.empty();
    const out: Interval[] = [];
    for (const part of text.split(',')) {
      const limits = part.split('-');
      const first = Number.parseInt(limits[0], 10);
      if (!/^\d+$/.test(limits[0]) || Number.isNaN(first)) continue;
      if (first >= completions) break;
      let last = first;
      if (limits.length > 1) {
        if (!/^\d+$/.test(limits[1])) continue;
        last = Math.min(Number.parseInt(limits[1], 10), completions - 1);
      }
      const prev = out[out.length - 1];
      if (prev && prev.last === first - 1) prev.last = last;
      else out.push({ first, last });
    }
    return new Indexes(out);
  }

  static of(indexes: Iterable<number>): Indexes {
    return Indexes.empty().with(indexes);
  }

  /** A new set that also holds `indexes`. */
  with(indexes: Iterable<number>): Indexes {
    const sorted = [...new Set(indexes)].sort((a, b) => a - b);
    return this.merge(new Indexes(sorted.map((i) => ({ first: i, last: i }))));
  }

  merge(other: Indexes): Indexes {
    const all = [...this.intervals, ...other.intervals].sort((a, b) => a.first - b.first);
    const out: Interval[] = [];
    for (const iv of all) {
      const prev = out[out.length - 1];
      if (!prev || iv.first > prev.last + 1) out.push({ ...iv });
      else if (prev.last < iv.last) prev.last = iv.last;
    }
    return new Indexes(out);
  }

  has(ix: number): boolean {
    return this.intervals.some((iv) => iv.first <= ix && ix <= iv.last);
  }

  total(): number {
    return this.intervals.reduce((n, iv) => n + iv.last - iv.first + 1, 0);
  }

  toString(): string {
    return this.intervals
      .map((iv) =>
        iv.last === iv.first
          ? `${iv.first}`
          : iv.last === iv.first + 1
            ? `${iv.first},${iv.last}`
            : `${iv.first}-${iv.last}`,
      )
      .join(',');
  }

  /** How many of `rule`'s indexes are in this set. */
  overlap(rule: Indexes): number {
    let n = 0;
    for (const a of rule.intervals)
      for (const b of this.intervals) {
        const o = Math.min(a.last, b.last) - Math.max(a.first, b.first) + 1;
        if (o > 0) n += o;
      }
    return n;
  }

  /** The first `count` indexes below `completions` not in this set. */
  firstMissing(count: number, completions: number): number[] {
    const out: number[] = [];
    let candidate = 0;
    for (const iv of this.intervals) {
      for (; candidate < completions && out.length < count && candidate < iv.first; candidate++)
        out.push(candidate);
      if (candidate < iv.last + 1) candidate = iv.last + 1;
    }
    for (; candidate < completions && out.length < count; candidate++) out.push(candidate);
    return out;
  }
}
