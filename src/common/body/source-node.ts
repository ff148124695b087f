// Where each node of a parsed document sits in the text, so that a Kubernetes field path
// (`spec.template.spec.containers[0].image`, `metadata.labels[app]`) can be turned
// into a line and column.

export interface SourcePosition {
  line: number; // 1-based
  column: number; // 1-based
}

export class SourceNode {
  readonly children = new Map<string, SourceNode>();
  constructor(readonly position: SourcePosition) {}
}

/** Splits `a.b[0].c[x.y/z]` into ['a', 'b', '0', 'c', 'x.y/z']. */
export function splitFieldPath(path: string): string[] {
  const out: string[] = [];
  let i = 0;
  let cur = '';
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      if (cur) out.push(cur);
      cur = '';
      i++;
    } else if (ch === '[') {
      if (cur) out.push(cur);
      cur = '';
      const end = path.indexOf(']', i);
      if (end < 0) {
        cur = path.slice(i + 1);
        break;
      }
      out.push(path.slice(i + 1, end));
      i = end + 1;
    } else {
      cur += ch;
      i++;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** The deepest node on the path that exists: a missing field points at its parent. */
export function locate(root: SourceNode | undefined, path: string): SourcePosition | undefined {
  if (!root) return undefined;
  let node = root;
  for (const part of splitFieldPath(path.replace(/^\./, ''))) {
    const next = node.children.get(part);
    if (!next) break;
    node = next;
  }
  return node.position;
}

/** Line and column (1-based) of every offset, computed once per text. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  at(offset: number): SourcePosition {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}
