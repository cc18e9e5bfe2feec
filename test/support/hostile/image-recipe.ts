import fc from 'fast-check';
import { imageBuffer, type TestImageFormat } from '../images';

/** A damage done to an image's base64 payload: cut off its end, or overwrite one character. */
export type PayloadEdit = { kind: 'truncate'; chars: number } | { kind: 'replace'; at: number; char: string };

/**
 * A `data:image/<declared>;base64,...` URL of a real test image, possibly declared wrongly or
 * damaged. Built on demand (`toJSON`) and shown as `Image(png 640x480 ...)` in counterexamples.
 */
export class ImageRecipe {
  constructor(
    readonly format: TestImageFormat,
    readonly width: number,
    readonly height: number,
    readonly declared: string = format,
    readonly edit: PayloadEdit | null = null,
  ) {}
  toJSON(): string {
    let payload = imageBuffer(this.format, this.width, this.height).toString('base64');
    if (this.edit?.kind === 'truncate') payload = payload.slice(0, Math.max(0, payload.length - this.edit.chars));
    if (this.edit?.kind === 'replace') {
      const dataEnd = payload.replace(/=+$/, '').length;
      // Stay clear of the last quantum, so the trailing padding is never what changes.
      const at = this.edit.at % Math.max(1, dataEnd - 4);
      payload = `${payload.slice(0, at)}${this.edit.char}${payload.slice(at + 1)}`;
    }
    return `data:image/${this.declared};base64,${payload}`;
  }
  [fc.toStringMethod](): string {
    const declared = this.declared === this.format ? '' : ` declared ${this.declared}`;
    return `Image(${this.format} ${this.width}x${this.height}${declared}${this.edit ? ` ${JSON.stringify(this.edit)}` : ''})`;
  }
}
