// Reading a Server-Sent Events answer as EventSource does: frames split on blank lines.

export interface SseFrame {
  /** `message` unless the frame names one. */
  event: string;
  id?: string;
  /** The data lines, joined. */
  data: string;
  /** A frame with a comment line (`: heartbeat`). */
  comment: boolean;
}

/** Each frame of `body` as it arrives; an aborted fetch ends it with the abort's error. */
export async function* sseFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    for (let end = buf.indexOf('\n\n'); end >= 0; end = buf.indexOf('\n\n')) {
      const frame: SseFrame = { event: 'message', data: '', comment: false };
      for (const line of buf.slice(0, end).split('\n')) {
        if (line.startsWith(':')) frame.comment = true;
        else if (line.startsWith('event: ')) frame.event = line.slice(7);
        else if (line.startsWith('id: ')) frame.id = line.slice(4);
        else if (line.startsWith('data: ')) frame.data += line.slice(6);
      }
      buf = buf.slice(end + 2);
      yield frame;
    }
  }
}
