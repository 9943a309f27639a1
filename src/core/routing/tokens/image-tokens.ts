import type { ImagePart } from '../../../spec/chat-call.js';
import type { TokenizerFamily } from './tokenizer-family.js';

/**
 * Input tokens of one image. OpenAI documents a tile formula; Anthropic documents
 * width × height / 750; Gemini a fixed 258 tokens per 768 px tile. The size is only known for
 * inline `data:` PNG, GIF and JPEG images (read from the header); for a remote URL we cannot know it
 * without fetching, so a documented constant that errs high is used instead.
 *
 * @see https://platform.openai.com/docs/guides/images-vision#calculating-costs
 * @see https://docs.anthropic.com/en/docs/build-with-claude/vision#calculate-image-costs
 * @see https://ai.google.dev/gemini-api/docs/tokens#multimodal-tokens
 */

/** OpenAI `detail: low`: a fixed 85 tokens whatever the size. */
const OPENAI_LOW_DETAIL_TOKENS = 85;
/**
 * OpenAI high detail of unknown size: the most tiles the formula can give (an image scaled to
 * 768 × 2048 has 2 × 4 tiles): 85 + 170 × 8. gpt-4o-mini bills images at a higher rate; that is
 * a price, not context, and is not modelled here.
 */
const OPENAI_UNKNOWN_SIZE_TOKENS = 85 + 170 * 8;
/** Anthropic resizes images beyond ~1.15 megapixels, so one image is at most about 1,600 tokens. */
const ANTHROPIC_MAX_IMAGE_TOKENS = 1600;
/** Gemini: 258 tokens per 768 × 768 tile; unknown size assumes the 2 × 3 tiles of a large photo. */
const GEMINI_TILE_TOKENS = 258;
const GEMINI_UNKNOWN_SIZE_TOKENS = GEMINI_TILE_TOKENS * 6;

export interface ImageSize {
  width: number;
  height: number;
}

/** Sizes already read, so an image counted for several families is decoded once. */
const sizes = new WeakMap<ImagePart, ImageSize | null>();

export function imageTokens(image: ImagePart, family: TokenizerFamily): number {
  if ((family === 'o200k' || family === 'cl100k') && image.detail === 'low') return OPENAI_LOW_DETAIL_TOKENS;
  let size = sizes.get(image);
  if (size === undefined) {
    size = inlineImageSize(image.url) ?? null;
    sizes.set(image, size);
  }
  switch (family) {
    case 'o200k':
    case 'cl100k':
      return size ? openAIImageTokens(size) : OPENAI_UNKNOWN_SIZE_TOKENS;
    case 'gemini':
      return size ? geminiImageTokens(size) : GEMINI_UNKNOWN_SIZE_TOKENS;
    default:
      return size ? Math.min(ANTHROPIC_MAX_IMAGE_TOKENS, Math.ceil((size.width * size.height) / 750)) : ANTHROPIC_MAX_IMAGE_TOKENS;
  }
}

/** The most tokens any family counts for this image: an upper bound for cheap context checks. */
export function imageTokensUpperBound(image: ImagePart): number {
  return Math.max(imageTokens(image, 'o200k'), imageTokens(image, 'anthropic'), imageTokens(image, 'gemini'));
}

/** OpenAI high detail: fit in 2048 × 2048, scale the short side down to 768, then 170 per 512 px tile + 85. */
export function openAIImageTokens({ width, height }: ImageSize): number {
  let scale = Math.min(1, 2048 / Math.max(width, height));
  let scaledWidth = width * scale;
  let scaledHeight = height * scale;
  scale = Math.min(1, 768 / Math.min(scaledWidth, scaledHeight));
  scaledWidth *= scale;
  scaledHeight *= scale;
  return 85 + 170 * Math.ceil(scaledWidth / 512) * Math.ceil(scaledHeight / 512);
}

function geminiImageTokens({ width, height }: ImageSize): number {
  if (width <= 384 && height <= 384) return GEMINI_TILE_TOKENS;
  return GEMINI_TILE_TOKENS * Math.ceil(width / 768) * Math.ceil(height / 768);
}

/** Enough of a base64 payload to reach a JPEG's frame header in typical files (EXIF blocks come first). */
const HEADER_BASE64_CHARS = 64 * 1024;

/** Width and height of an inline PNG, GIF or JPEG `data:` URL, read from its header only; else undefined. */
export function inlineImageSize(url: string): ImageSize | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0 || !url.slice(0, comma).endsWith(';base64')) return undefined;
  // Decode a prefix whose length is a multiple of 4, so the base64 decodes cleanly.
  const prefixLength = Math.min(url.length - comma - 1, HEADER_BASE64_CHARS) & ~3;
  const bytes = Buffer.from(url.slice(comma + 1, comma + 1 + prefixLength), 'base64');
  return pngSize(bytes) ?? gifSize(bytes) ?? jpegSize(bytes);
}

function pngSize(bytes: Buffer): ImageSize | undefined {
  // Signature, then the IHDR chunk: width and height as big-endian 32-bit integers at 16 and 20.
  if (bytes.length < 24 || bytes.readUInt32BE(0) !== 0x89504e47 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function gifSize(bytes: Buffer): ImageSize | undefined {
  if (bytes.length < 10 || bytes.toString('latin1', 0, 3) !== 'GIF') return undefined;
  return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
}

function jpegSize(bytes: Buffer): ImageSize | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 9 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    // SOF0–SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: bytes.readUInt16BE(offset + 7), height: bytes.readUInt16BE(offset + 5) };
    }
    offset += 2 + bytes.readUInt16BE(offset + 2);
  }
  return undefined;
}
