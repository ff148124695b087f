// Parses one YAML document the way Kubernetes reads YAML (YAML 1.1 scalars, merge keys,
// timestamps left as strings), records where every node sits, and bounds what aliases
// can expand to: js-yaml shares aliased nodes, but anything that serialises the value
// (JSON.stringify, the upstream request) pays for every copy.
import {
  constructFromEvents,
  EVENT_ID,
  getScalarValue,
  mergeTag,
  parseEvents,
  SCALAR_STYLE_DOUBLE_QUOTED,
  SCALAR_STYLE_SINGLE_QUOTED,
  Schema,
  timestampTag,
  YAML11_SCHEMA,
  YAMLException,
} from 'js-yaml';
import { LineIndex, SourceNode, SourcePosition } from './source-node';
import { APISERVER_MAX_REQUEST_BYTES } from '../../k8s/limits';

export const KUBE_YAML_SCHEMA = new Schema([
  ...YAML11_SCHEMA.tags.filter((t) => t !== timestampTag),
  mergeTag,
]);

export interface YamlLimits {
  maxDepth: number;
  /** Nodes the document may have once every alias is expanded. */
  maxExpandedNodes: number;
  /**
   * Bytes of scalar text the document may hold once every alias is expanded: an alias of
   * one long scalar is one node, but JSON.stringify and the upstream request pay its length
   * each time. The apiserver takes 3 MiB bodies; what expands past that can never be sent.
   */
  maxExpandedBytes: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = {
  maxDepth: 100,
  maxExpandedNodes: 100000,
  maxExpandedBytes: APISERVER_MAX_REQUEST_BYTES,
};

export class DocumentError extends Error {
  constructor(
    message: string,
    readonly position?: SourcePosition,
  ) {
    super(message);
  }
}

export interface ParsedYaml {
  /** One value per document. */
  documents: unknown[];
  roots: SourceNode[];
}

interface Frame {
  kind: 'map' | 'seq';
  node: SourceNode;
  expectKey: boolean;
  key?: { name: string; position: SourcePosition };
  index: number;
  anchor?: string;
  countAtOpen: number;
  bytesAtOpen: number;
}

interface Expansion {
  nodes: number;
  bytes: number;
}

const positionOf = (e: {
  type: number;
  start?: number;
  valueStart?: number;
  anchorStart?: number;
  style?: number;
}): number => {
  // A quoted scalar's value starts after its quote; the editor marker belongs on the quote.
  if (e.type === EVENT_ID.SCALAR)
    return (
      (e.valueStart ?? 0) -
      (e.style === SCALAR_STYLE_DOUBLE_QUOTED || e.style === SCALAR_STYLE_SINGLE_QUOTED ? 1 : 0)
    );
  if (e.type === EVENT_ID.ALIAS) return Math.max((e.anchorStart ?? 1) - 1, 0);
  return e.start ?? 0;
};

/**
 * Parses every document of `text`. Throws DocumentError (with a position) for syntax
 * errors, duplicate keys, excessive depth and alias expansion.
 */
export function parseYaml(
  text: string,
  limits: YamlLimits = DEFAULT_YAML_LIMITS,
  lastKeyWins = false,
): ParsedYaml {
  const lines = new LineIndex(text);
  let events: ReturnType<typeof parseEvents>;
  try {
    events = parseEvents(text, { maxDepth: limits.maxDepth });
  } catch (e) {
    throw yamlError(e);
  }
  const roots: SourceNode[] = [];
  const stack: Frame[] = [];
  const anchorSizes = new Map<string, Expansion>();
  let count = 0;
  let bytes = 0;
  let docRoot: SourceNode | undefined;

  const grow = (n: Expansion, offset: number): void => {
    count += n.nodes;
    bytes += n.bytes;
    if (count > limits.maxExpandedNodes)
      throw new DocumentError(
        `the document expands to more than ${limits.maxExpandedNodes} nodes through YAML aliases`,
        lines.at(offset),
      );
    if (bytes > limits.maxExpandedBytes)
      throw new DocumentError(
        `the document expands to more than ${limits.maxExpandedBytes} bytes${
          anchorSizes.size ? ' through YAML aliases' : ''
        }`,
        lines.at(offset),
      );
  };
  // A collection costs its brackets, a scalar its text and a separator: never more than the
  // text they came from, so only aliases can push a body that fits the body limit past it.
  const COLLECTION: Expansion = { nodes: 1, bytes: 2 };

  /** Places a node that starts at `offset`: as the document root, a map value, or a sequence item. */
  const place = (offset: number): SourceNode | undefined => {
    const top = stack[stack.length - 1];
    if (!top) {
      docRoot = new SourceNode(lines.at(offset));
      roots.push(docRoot);
      return docRoot;
    }
    if (top.kind === 'seq') {
      const child = new SourceNode(lines.at(offset));
      top.node.children.set(String(top.index++), child);
      return child;
    }
    if (top.expectKey) return undefined;
    const key = top.key;
    top.expectKey = true;
    top.key = undefined;
    if (!key) return undefined;
    const child = new SourceNode(key.position);
    top.node.children.set(key.name, child);
    return child;
  };

  for (const e of events) {
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        docRoot = undefined;
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        grow(COLLECTION, e.start);
        const top = stack[stack.length - 1];
        if (top?.kind === 'map' && top.expectKey) {
          top.expectKey = false;
          top.key = { name: '?', position: lines.at(e.start) };
        }
        const node = place(e.start) ?? new SourceNode(lines.at(e.start));
        const anchor = e.anchorStart >= 0 ? text.slice(e.anchorStart, e.anchorEnd) : undefined;
        stack.push({
          kind: e.type === EVENT_ID.MAPPING ? 'map' : 'seq',
          node,
          expectKey: e.type === EVENT_ID.MAPPING,
          index: 0,
          anchor,
          countAtOpen: count - COLLECTION.nodes,
          bytesAtOpen: bytes - COLLECTION.bytes,
        });
        break;
      }
      case EVENT_ID.SCALAR: {
        const start = positionOf(e);
        const size: Expansion = { nodes: 1, bytes: Math.max(e.valueEnd - e.valueStart, 0) + 1 };
        grow(size, start);
        const top = stack[stack.length - 1];
        if (e.anchorStart >= 0) anchorSizes.set(text.slice(e.anchorStart, e.anchorEnd), size);
        if (top?.kind === 'map' && top.expectKey) {
          top.expectKey = false;
          top.key = { name: getScalarValue(text, e), position: lines.at(start) };
        } else {
          place(start);
        }
        break;
      }
      case EVENT_ID.ALIAS: {
        const name = text.slice(e.anchorStart, e.anchorEnd);
        const offset = positionOf(e);
        grow(anchorSizes.get(name) ?? { nodes: 1, bytes: 1 }, offset);
        const top = stack[stack.length - 1];
        if (top?.kind === 'map' && top.expectKey) {
          top.expectKey = false;
          top.key = { name: '*', position: lines.at(offset) };
        } else {
          place(offset);
        }
        break;
      }
      case EVENT_ID.POP: {
        const frame = stack.pop();
        if (frame?.anchor)
          anchorSizes.set(frame.anchor, {
            nodes: count - frame.countAtOpen,
            bytes: bytes - frame.bytesAtOpen,
          });
        break;
      }
    }
  }
  try {
    const documents = constructFromEvents(events, {
      source: text,
      schema: KUBE_YAML_SCHEMA,
      json: lastKeyWins,
    });
    return { documents, roots };
  } catch (e) {
    throw yamlError(e);
  }
}

function yamlError(e: unknown): DocumentError {
  if (e instanceof YAMLException) {
    const mark = e.mark as { line?: number; column?: number } | undefined;
    const position =
      mark && typeof mark.line === 'number'
        ? { line: mark.line + 1, column: (mark.column ?? 0) + 1 }
        : undefined;
    return new DocumentError(e.reason ?? e.message, position);
  }
  if (e instanceof RangeError) return new DocumentError('the document is nested too deeply');
  return new DocumentError(e instanceof Error ? e.message : String(e));
}
