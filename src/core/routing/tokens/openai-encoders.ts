import type { Tiktoken, TiktokenBPE } from 'js-tiktoken/lite';
import type { ExactTokenizerFamily } from './tokenizer-family.js';

/**
 * OpenAI's real tokenizers (js-tiktoken's rank tables), loaded lazily: each table is a 1–2 MB module
 * whose rank map takes a few hundred milliseconds to build, so nothing loads until a config needs it.
 *
 * Counting is synchronous (routers decide synchronously), but loading cannot be: call
 * {@link loadOpenAITokenizers} when a config is built. A count asked for before its encoder is
 * ready starts the load and is answered with the conservative estimate meanwhile.
 */

export interface TextTokenCounter {
  /** Exact token count of a text, with special-token strings treated as plain text (as the API does). */
  count(text: string): number;
  /** js-tiktoken's own full encoding (built on first use, about a second): for checks and tools that need the tokens. */
  encode(text: string): number[];
}

const counters = new Map<ExactTokenizerFamily, TextTokenCounter>();
const loading = new Map<ExactTokenizerFamily, Promise<TextTokenCounter>>();

/** Largest number of distinct pre-tokenised pieces remembered per encoding before the memo is reset. */
const PIECE_MEMO_LIMIT = 100_000;

async function importRanks(family: ExactTokenizerFamily): Promise<TiktokenBPE> {
  // Literal specifiers, so bundlers and tsc resolve each rank module on its own.
  if (family === 'o200k') return (await import('js-tiktoken/ranks/o200k_base')).default;
  return (await import('js-tiktoken/ranks/cl100k_base')).default;
}

/**
 * Ranks keyed by the token's bytes as a latin1 string (one char per byte): cheaper to build and to
 * look up than js-tiktoken's comma-joined byte keys. Built from the same public rank data.
 */
function buildRankMap(ranks: TiktokenBPE): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of ranks.bpe_ranks.split('\n')) {
    if (!line) continue;
    // `<name> <first rank> <base64 token> <base64 token> ...`, ranks consecutive from the first.
    const [, offset, ...tokens] = line.split(' ');
    let rank = Number.parseInt(offset ?? '', 10);
    for (const token of tokens) map.set(Buffer.from(token, 'base64').toString('latin1'), rank++);
  }
  return map;
}

/**
 * Tokens of one pre-tokenised piece: byte-pair merging as tiktoken does it (repeatedly merge the
 * adjacent pair with the lowest rank, the leftmost on ties), counting the parts left. Pair ranks
 * are kept and only the two around a merge are looked up again, so long pieces (digit runs,
 * URLs, base64) cost a scan of numbers per merge rather than a map lookup per pair.
 */
function bytePairCount(bytes: string, ranks: ReadonlyMap<string, number>): number {
  if (ranks.has(bytes)) return 1;
  // starts[i] is where part i begins; part i ends where part i + 1 begins.
  const starts = Array.from({ length: bytes.length + 1 }, (_, index) => index);
  // pairRanks[i]: the rank of parts i and i + 1 merged, Infinity when that is no token.
  const pairRanks = Array.from({ length: bytes.length - 1 }, (_, index) => ranks.get(bytes.slice(index, index + 2)) ?? Infinity);
  while (pairRanks.length > 0) {
    let lowest = Infinity;
    let lowestAt = -1;
    for (let index = 0; index < pairRanks.length; index++) {
      if (pairRanks[index]! < lowest) {
        lowest = pairRanks[index]!;
        lowestAt = index;
      }
    }
    if (lowestAt < 0) break;
    starts.splice(lowestAt + 1, 1);
    pairRanks.splice(lowestAt, 1);
    if (lowestAt > 0) pairRanks[lowestAt - 1] = ranks.get(bytes.slice(starts[lowestAt - 1], starts[lowestAt + 1])) ?? Infinity;
    if (lowestAt < pairRanks.length) pairRanks[lowestAt] = ranks.get(bytes.slice(starts[lowestAt], starts[lowestAt + 2])) ?? Infinity;
  }
  return starts.length - 1;
}

/**
 * A counter over one encoding. Text is split with tiktoken's own regex, and each piece's count is
 * remembered: the same words recur across prompts, so most pieces are a map lookup. A new piece is
 * merged here rather than by js-tiktoken's `encode`, whose per-call setup costs 15–50 µs a piece;
 * tests hold the two to the same counts.
 */
function createCounter(ranks: TiktokenBPE, TiktokenClass: typeof Tiktoken): TextTokenCounter {
  const rankMap = buildRankMap(ranks);
  const pieces = new Map<string, number>();
  const splitter = new RegExp(ranks.pat_str, 'gu');
  let libraryEncoder: Tiktoken | undefined;
  return {
    // Empty special-token lists: strings like `<|endoftext|>` are encoded as text, never rejected.
    encode: (text) => (libraryEncoder ??= new TiktokenClass(ranks)).encode(text, [], []),
    count(text: string): number {
      let total = 0;
      splitter.lastIndex = 0;
      for (let match = splitter.exec(text); match !== null; match = splitter.exec(text)) {
        const piece = match[0];
        let tokens = pieces.get(piece);
        if (tokens === undefined) {
          tokens = bytePairCount(Buffer.from(piece, 'utf8').toString('latin1'), rankMap);
          if (pieces.size >= PIECE_MEMO_LIMIT) pieces.clear();
          pieces.set(piece, tokens);
        }
        total += tokens;
        if (piece.length === 0) splitter.lastIndex++;
      }
      return total;
    },
  };
}

/** Loads one encoding (once; concurrent callers share the load). */
export function loadOpenAITokenizer(family: ExactTokenizerFamily): Promise<TextTokenCounter> {
  const ready = counters.get(family);
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(family);
  if (!pending) {
    pending = Promise.all([import('js-tiktoken/lite'), importRanks(family)]).then(([{ Tiktoken: TiktokenClass }, ranks]) => {
      const counter = createCounter(ranks, TiktokenClass);
      counters.set(family, counter);
      loading.delete(family);
      return counter;
    });
    loading.set(family, pending);
  }
  return pending;
}

/** Loads every given encoding; call at config build so no request waits for (or estimates around) a load. */
export async function loadOpenAITokenizers(families: Iterable<ExactTokenizerFamily>): Promise<void> {
  await Promise.all([...new Set(families)].map((family) => loadOpenAITokenizer(family)));
}

/**
 * The counter for an encoding if it is loaded; otherwise undefined, and a load is started in the
 * background (a failure is kept from going unhandled; the next call retries).
 */
export function openAITokenizerIfReady(family: ExactTokenizerFamily): TextTokenCounter | undefined {
  const ready = counters.get(family);
  if (ready) return ready;
  if (!loading.has(family)) {
    loadOpenAITokenizer(family).catch(() => loading.delete(family));
  }
  return undefined;
}
