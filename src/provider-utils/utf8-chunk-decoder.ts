/**
 * Decodes UTF-8 text that arrives in chunks, holding back a character cut between two chunks until
 * the rest of it arrives. It does what `new TextDecoder()` with `{ stream: true }` does for the SSE
 * reader, without a native decoder per stream: on node 20 each TextDecoder is a native object the
 * young-generation GC must visit as a weak handle (0.06 ms of every scavenge while streaming at one
 * connection), and node's StringDecoder allocates a buffer of its own per stream instead.
 * Malformed bytes become U+FFFD and a byte-order mark at the very start is dropped, as TextDecoder
 * does (the SSE spec strips it too; the SSE parser here only recognises it undecoded).
 */
export class Utf8ChunkDecoder {
  /** The start of a character whose remaining bytes are still to come (1–3 bytes). */
  private carry: Buffer | undefined;
  /** Some text has been returned: a byte-order mark from now on is content. */
  private started = false;

  decode(chunk: Buffer): string {
    let bytes = chunk;
    if (this.carry !== undefined) {
      bytes = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    const complete = completeLength(bytes);
    if (complete < bytes.length) this.carry = bytes.subarray(complete);
    return this.withoutLeadingMark(bytes.toString('utf8', 0, complete));
  }

  /** The end of the input: a character still cut off becomes U+FFFD. */
  end(): string {
    const carry = this.carry;
    this.carry = undefined;
    return carry === undefined ? '' : this.withoutLeadingMark(carry.toString('utf8'));
  }

  private withoutLeadingMark(text: string): string {
    if (this.started || text === '') return text;
    this.started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}

/** How many leading bytes hold only whole characters: the rest is a multi-byte character cut short. */
function completeLength(bytes: Buffer): number {
  const length = bytes.length;
  // A UTF-8 character is at most 4 bytes: a cut one starts within the last 3.
  for (let back = 1; back <= 3 && back <= length; back += 1) {
    const byte = bytes[length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: its lead is further back
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return size > back ? length - back : length;
  }
  // No lead byte in the last 3: either malformed, or a complete 4-byte character ending here.
  return length;
}
