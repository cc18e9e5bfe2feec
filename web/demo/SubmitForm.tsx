import { useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import type { GatewayApi } from './api';
import { groupIssues, type FieldKey, type IssuesByField } from './field-issues';
import {
  GenerateVideoDocument,
  type AspectRatio,
  type GenerateVideoInput,
  type GenerationMode,
  type GenerationOptions,
  type TaskFieldsFragment,
  type VideoResolution,
} from './gql/graphql';
import { filesOf, readAsDataUrl } from './image-files';

const MODES: ReadonlyArray<{ mode: GenerationMode; label: string }> = [
  { mode: 'TEXT_TO_VIDEO', label: 'Text' },
  { mode: 'FIRST_FRAME', label: 'First frame' },
  { mode: 'FIRST_LAST_FRAME', label: 'First + last frame' },
  { mode: 'REFERENCE_IMAGES', label: 'Reference images' },
];
const RESOLUTIONS: readonly VideoResolution[] = ['P480', 'P720', 'P1080'];
const RATIOS: readonly AspectRatio[] = [
  'RATIO_16_9',
  'RATIO_4_3',
  'RATIO_1_1',
  'RATIO_3_4',
  'RATIO_9_16',
  'RATIO_21_9',
  'ADAPTIVE',
];

/** A problem found before sending (no file chosen, a fractional duration), under the gateway's field names. */
class FormIssue extends Error {
  constructor(
    readonly field: FieldKey,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the chosen files of one input (at least one), as data URLs. */
async function dataUrls(input: HTMLInputElement | null, field: FieldKey): Promise<string[]> {
  const files = filesOf(input);
  if (files.length === 0) throw new FormIssue(field, 'choose an image file');
  return Promise.all(files.map(readAsDataUrl));
}

/** The form: every mode, the common options, and each issue shown under its field. */
export function SubmitForm({ api, onSubmitted }: { api: GatewayApi; onSubmitted: (task: TaskFieldsFragment) => void }) {
  const [mode, setMode] = useState<GenerationMode>('TEXT_TO_VIDEO');
  const [prompt, setPrompt] = useState('');
  const [resolution, setResolution] = useState<VideoResolution>('P480');
  const [ratio, setRatio] = useState<AspectRatio | ''>('');
  const [duration, setDuration] = useState('5');
  const [returnLastFrame, setReturnLastFrame] = useState(true);
  const [issues, setIssues] = useState<IssuesByField>(new Map());
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const image = useRef<HTMLInputElement>(null);
  const firstFrame = useRef<HTMLInputElement>(null);
  const lastFrame = useRef<HTMLInputElement>(null);
  const images = useRef<HTMLInputElement>(null);

  const buildInput = async (): Promise<GenerateVideoInput> => {
    const seconds = duration.trim() === '' ? undefined : Number(duration);
    // The schema's duration is an Int: say so here rather than get a GraphQL coercion error.
    if (seconds !== undefined && !Number.isInteger(seconds))
      throw new FormIssue('options.duration', 'whole seconds only');
    const options: GenerationOptions = { resolution, returnLastFrame, duration: seconds, ...(ratio ? { ratio } : {}) };
    const text = prompt.trim() === '' ? null : prompt;
    switch (mode) {
      case 'TEXT_TO_VIDEO':
        return { textToVideo: { prompt, options } };
      case 'FIRST_FRAME': {
        const [url] = await dataUrls(image.current, 'image');
        return { firstFrame: { image: url ?? '', prompt: text, options } };
      }
      case 'FIRST_LAST_FRAME': {
        const [first] = await dataUrls(firstFrame.current, 'firstFrame');
        const [last] = await dataUrls(lastFrame.current, 'lastFrame');
        return { firstLastFrame: { firstFrame: first ?? '', lastFrame: last ?? '', prompt: text, options } };
      }
      case 'REFERENCE_IMAGES':
        return { referenceImages: { images: await dataUrls(images.current, 'images'), prompt: text, options } };
      default: {
        const unreachable: never = mode;
        return unreachable;
      }
    }
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setIssues(new Map());
    setNotice(undefined);
    try {
      const { generateVideo: result } = await api.request(GenerateVideoDocument, { input: await buildInput() });
      switch (result.__typename) {
        case 'GenerateVideoSuccess':
          setNotice(result.warnings.length ? `Accepted with warnings: ${result.warnings.join('; ')}` : undefined);
          onSubmitted(result.task);
          break;
        case 'InvalidInputError':
          setIssues(groupIssues(result.issues));
          setNotice(result.message);
          break;
        case 'UpstreamError':
          setNotice(`Upstream error ${result.code}${result.retryable ? ' (retryable)' : ''}: ${result.message}`);
          break;
        case 'RateLimitedError':
          setNotice(`${result.message} Retry in ${result.retryAfterSeconds} s.`);
          break;
        default: {
          const unreachable: never = result;
          return unreachable;
        }
      }
    } catch (error) {
      if (error instanceof FormIssue) setIssues(new Map([[error.field, [error.message]]]));
      else setNotice(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const field = (key: FieldKey, label: string, control: ReactNode): ReactNode => (
    <label className={`field${issues.has(key) ? ' invalid' : ''}`} data-field={key}>
      <span>{label}</span>
      {control}
      {issues.get(key)?.map((text) => (
        <small className="issue" role="alert" key={text}>
          {text}
        </small>
      ))}
    </label>
  );
  const fileInput = (ref: RefObject<HTMLInputElement | null>, name: string, multiple = false) => (
    <input
      ref={ref}
      name={name}
      type="file"
      accept="image/png,image/jpeg,image/webp,image/bmp,image/tiff,image/gif"
      multiple={multiple}
    />
  );

  return (
    <form className="card" onSubmit={(event) => void submit(event)} noValidate aria-label="Generate a video">
      <h2>New video</h2>
      <fieldset className="modes">
        <legend>Mode</legend>
        {MODES.map((m) => (
          <label key={m.mode}>
            <input type="radio" name="mode" value={m.mode} checked={mode === m.mode} onChange={() => setMode(m.mode)} />
            {m.label}
          </label>
        ))}
      </fieldset>
      {field(
        'prompt',
        mode === 'TEXT_TO_VIDEO' ? 'Prompt' : 'Prompt (optional)',
        <textarea
          name="prompt"
          rows={3}
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          placeholder="a red fox running through fresh snow"
        />,
      )}
      {mode === 'FIRST_FRAME' && field('image', 'First frame', fileInput(image, 'image'))}
      {mode === 'FIRST_LAST_FRAME' && field('firstFrame', 'First frame', fileInput(firstFrame, 'firstFrame'))}
      {mode === 'FIRST_LAST_FRAME' && field('lastFrame', 'Last frame', fileInput(lastFrame, 'lastFrame'))}
      {mode === 'REFERENCE_IMAGES' && field('images', 'Reference images (1-4)', fileInput(images, 'images', true))}
      <div className="options">
        {field(
          'options.resolution',
          'Resolution',
          <select
            name="resolution"
            value={resolution}
            onChange={(e) => setResolution(RESOLUTIONS.find((r) => r === e.target.value) ?? 'P480')}
          >
            {RESOLUTIONS.map((r) => (
              <option key={r} value={r}>
                {r.slice(1)}p
              </option>
            ))}
          </select>,
        )}
        {field(
          'options.ratio',
          'Ratio',
          <select name="ratio" value={ratio} onChange={(e) => setRatio(RATIOS.find((r) => r === e.target.value) ?? '')}>
            <option value="">default</option>
            {RATIOS.map((r) => (
              <option key={r} value={r}>
                {r.replace('RATIO_', '').replace('_', ':').toLowerCase()}
              </option>
            ))}
          </select>,
        )}
        {field(
          'options.duration',
          'Seconds',
          <input
            name="duration"
            type="number"
            step={1}
            value={duration}
            onChange={(e) => setDuration(e.target.value)}
          />,
        )}
        {field(
          'options.returnLastFrame',
          'Last frame',
          <input
            name="returnLastFrame"
            type="checkbox"
            checked={returnLastFrame}
            onChange={(e) => setReturnLastFrame(e.target.checked)}
          />,
        )}
      </div>
      {issues.get('form')?.map((text) => (
        <p className="issue" role="alert" key={text}>
          {text}
        </p>
      ))}
      {notice && (
        <p className="notice" data-testid="form-notice">
          {notice}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Submitting…' : 'Generate'}
      </button>
    </form>
  );
}
