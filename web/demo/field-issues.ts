/** Places InvalidInputError issues next to the form fields they are about. */

/** An issue as the gateway reports it: a path inside the chosen mode's input. */
export interface Issue {
  path: readonly string[];
  code: string;
  message: string;
}

/** The form's fields that issues can point at (`options.x` for each generation option). */
export type FieldKey = 'prompt' | 'image' | 'firstFrame' | 'lastFrame' | 'images' | `options.${string}`;

/** Issues grouped by field; `form` holds those of no known field. */
export type IssuesByField = Map<FieldKey | 'form', string[]>;

const FILE_FIELDS: readonly FieldKey[] = ['prompt', 'image', 'firstFrame', 'lastFrame', 'images'];

/** The field an issue path names: `['options','duration']` -> `options.duration`, `['images','2']` -> `images`. */
export function fieldOf(path: readonly string[]): FieldKey | 'form' {
  const [head, next] = path;
  if (head === 'options' && next) return `options.${next}`;
  return FILE_FIELDS.find((field) => field === head) ?? 'form';
}

/** Groups issues by field; a reference image's issue says which image (1-based). */
export function groupIssues(issues: readonly Issue[]): IssuesByField {
  const grouped: IssuesByField = new Map();
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    const index = issue.path[0] === 'images' && issue.path[1] !== undefined ? Number(issue.path[1]) : NaN;
    const text = `${Number.isInteger(index) ? `image ${index + 1}: ` : ''}${issue.message} (${issue.code})`;
    grouped.set(field, [...(grouped.get(field) ?? []), text]);
  }
  return grouped;
}
