/**
 * Hashed word and character n-grams (the "hashing trick"): no vocabulary to store, so the artifact
 * holds only the weights. One pass over the text, no regular expressions, so cost is linear in length.
 */

export interface HashingOptions {
  /** Buckets = 2^hashBits. */
  hashBits: number;
  /** Word n-grams of length 1..wordNgramMax (0 disables words). */
  wordNgramMax: number;
  /** Character n-grams of length charNgramMin..charNgramMax (charNgramMax 0 disables them). */
  charNgramMin: number;
  charNgramMax: number;
  /** Count each n-gram as log(1 + count) instead of its count, so a repeated phrase does not dominate. */
  sublinearCounts: boolean;
}

/** Sparse vector with strictly increasing indices. */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// Distinct seeds keep word and character n-grams from landing on the same buckets by construction.
const WORD_SEED = 0x9e3779b9;
const BIGRAM_SEED = 0x85ebca6b;

/** Murmur3's finaliser: FNV's low bits are weak, and the bucket is taken from the low bits. */
function mix(hash: number): number {
  let value = hash ^ (hash >>> 16);
  value = Math.imul(value, 0x85ebca6b);
  value ^= value >>> 13;
  value = Math.imul(value, 0xc2b2ae35);
  return (value ^ (value >>> 16)) >>> 0;
}

function isWordCode(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code >= 0xc0
  );
}

function isSpaceCode(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13 || code === 12 || code === 11 || code === 0xa0;
}

/** Lower-cases and collapses every whitespace run to one space, so layout does not change n-grams. */
export function normalizeText(text: string): string {
  const lowered = text.toLowerCase();
  let out = '';
  let start = 0;
  let inSpace = false;
  for (let index = 0; index < lowered.length; index += 1) {
    const space = isSpaceCode(lowered.charCodeAt(index));
    if (space && !inSpace) {
      out += lowered.slice(start, index);
      inSpace = true;
    } else if (!space && inSpace) {
      out += ' ';
      start = index;
      inSpace = false;
    }
  }
  if (!inSpace) out += lowered.slice(start);
  return out.trim();
}

/**
 * Reusable scratch space for vectorising one text at a time: counts and values live in arrays indexed
 * by bucket, and only the touched buckets are visited and reset, so no Map is built per request.
 * Not reentrant; scoring is synchronous, so one vectoriser per model is enough.
 */
export class NgramVectorizer {
  readonly options: HashingOptions;
  private readonly mask: number;
  private readonly counts: Float64Array;
  private readonly values: Float64Array;
  private readonly inVector: Uint8Array;
  private blockBuckets = new Int32Array(4096);
  private blockSize = 0;
  private vectorBuckets = new Int32Array(4096);
  private vectorSize = 0;

  constructor(options: HashingOptions) {
    this.options = options;
    const buckets = 2 ** options.hashBits;
    this.mask = buckets - 1;
    this.counts = new Float64Array(buckets);
    this.values = new Float64Array(buckets);
    this.inVector = new Uint8Array(buckets);
  }

  private add(hash: number): void {
    const bucket = mix(hash) & this.mask;
    if (this.counts[bucket] === 0) {
      if (this.blockSize === this.blockBuckets.length) {
        const grown = new Int32Array(this.blockSize * 2);
        grown.set(this.blockBuckets);
        this.blockBuckets = grown;
      }
      this.blockBuckets[this.blockSize++] = bucket;
    }
    this.counts[bucket]! += 1;
  }

  /** Moves the block's counts into the vector, L2-normalised on their own (as a union of two vectorisers). */
  private finishBlock(): void {
    const sublinear = this.options.sublinearCounts;
    let squared = 0;
    for (let index = 0; index < this.blockSize; index += 1) {
      const bucket = this.blockBuckets[index]!;
      const value = sublinear ? Math.log1p(this.counts[bucket]!) : this.counts[bucket]!;
      this.counts[bucket] = value;
      squared += value * value;
    }
    const scale = squared === 0 ? 0 : 1 / Math.sqrt(squared);
    for (let index = 0; index < this.blockSize; index += 1) {
      const bucket = this.blockBuckets[index]!;
      if (this.inVector[bucket] === 0) {
        this.inVector[bucket] = 1;
        if (this.vectorSize === this.vectorBuckets.length) {
          const grown = new Int32Array(this.vectorSize * 2);
          grown.set(this.vectorBuckets);
          this.vectorBuckets = grown;
        }
        this.vectorBuckets[this.vectorSize++] = bucket;
      }
      this.values[bucket]! += this.counts[bucket]! * scale;
      this.counts[bucket] = 0;
    }
    this.blockSize = 0;
  }

  private addWords(text: string): void {
    const bigrams = this.options.wordNgramMax >= 2;
    let previous = -1;
    let hash = 0;
    let inWord = false;
    for (let index = 0; index <= text.length; index += 1) {
      const code = index < text.length ? text.charCodeAt(index) : 32;
      if (isWordCode(code)) {
        if (!inWord) {
          hash = FNV_OFFSET;
          inWord = true;
        }
        hash = Math.imul(hash ^ code, FNV_PRIME);
      } else if (inWord) {
        this.add(hash ^ WORD_SEED);
        if (bigrams && previous !== -1) this.add(Math.imul(previous, 31) ^ hash ^ BIGRAM_SEED);
        previous = hash;
        inWord = false;
      }
    }
  }

  private addCharacters(text: string): void {
    const { charNgramMin, charNgramMax } = this.options;
    // A leading and trailing space makes word-boundary n-grams at the ends look like those inside.
    const padded = ` ${text} `;
    const length = padded.length;
    for (let start = 0; start < length; start += 1) {
      let hash = FNV_OFFSET;
      const stop = Math.min(charNgramMax, length - start);
      for (let size = 1; size <= stop; size += 1) {
        hash = Math.imul(hash ^ padded.charCodeAt(start + size - 1), FNV_PRIME);
        if (size >= charNgramMin) this.add(hash ^ size);
      }
    }
  }

  /**
   * Vectorises an already normalised text (see normalizeText) and calls `visit` once per non-zero
   * bucket. The scratch space is reset afterwards.
   */
  forEachEntry(normalized: string, visit: (bucket: number, value: number) => void): void {
    if (this.options.wordNgramMax > 0) {
      this.addWords(normalized);
      this.finishBlock();
    }
    if (this.options.charNgramMax > 0) {
      this.addCharacters(normalized);
      this.finishBlock();
    }
    for (let index = 0; index < this.vectorSize; index += 1) {
      const bucket = this.vectorBuckets[index]!;
      visit(bucket, this.values[bucket]!);
      this.values[bucket] = 0;
      this.inVector[bucket] = 0;
    }
    this.vectorSize = 0;
  }

  /** The vector of a raw text as sorted typed arrays, the form training iterates over. */
  sparseVector(text: string): SparseVector {
    let size = 0;
    let buckets = new Int32Array(1024);
    // The bucket→value scratch of the vectoriser is reset while visiting, so values park in `counts`.
    this.forEachEntry(normalizeText(text), (bucket, value) => {
      if (size === buckets.length) {
        const grown = new Int32Array(size * 2);
        grown.set(buckets);
        buckets = grown;
      }
      buckets[size++] = bucket;
      this.counts[bucket] = value;
    });
    const indices = buckets.slice(0, size).sort();
    const values = new Float64Array(size);
    for (let index = 0; index < size; index += 1) {
      values[index] = this.counts[indices[index]!]!;
      this.counts[indices[index]!] = 0;
    }
    return { indices, values };
  }
}
