/** Images chosen with <input type=file>, sent to the gateway as data URLs. */

/** Reads a file as a `data:<type>;base64,...` URL. */
export function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () =>
      typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error(`could not read ${file.name}`));
    reader.onerror = () => reject(reader.error ?? new Error(`could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

/** Every file of an input, in order. */
export function filesOf(input: HTMLInputElement | null): File[] {
  return input?.files ? Array.from(input.files) : [];
}
