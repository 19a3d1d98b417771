import { randomBytes } from 'node:crypto';

/**
 * Speech to text (P04). The audio handed over belongs to the caller, who destroys it as soon as
 * this returns or throws: an implementation keeps no copy, writes nothing to disk and never
 * puts the audio or the transcript into a log or an error message.
 */
export interface Transcriber {
  transcribe(audio: Buffer, mediaType: string): Promise<{ text: string }>;
}

/** A transcription service refused or failed: the message names the status, never the audio or text. */
export class TranscriptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranscriptionError';
  }
}

export interface HttpTranscriberOptions {
  /** The transcription endpoint, e.g. `https://api.openai.com/v1/audio/transcriptions` or a self-hosted Whisper server. */
  url: string;
  apiKey?: string | null;
  model?: string;
  timeoutMs?: number;
}

const EXTENSION: Record<string, string> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/flac': 'flac',
};

/**
 * The OpenAI-compatible transcription API (`multipart/form-data` with `file` and `model`,
 * answered by `{"text": …}`), which hosted services and self-hosted Whisper servers share. The
 * request body is assembled in one buffer that is zeroed once the request is answered, so the
 * only copies of the audio left are the runtime's own transient ones.
 */
export function createHttpTranscriber(options: HttpTranscriberOptions): Transcriber {
  const model = options.model ?? 'whisper-1';
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    async transcribe(audio, mediaType) {
      const boundary = `custos-${randomBytes(12).toString('hex')}`;
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\n${model}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="response_format"\r\n\r\njson\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="input.${EXTENSION[mediaType] ?? 'bin'}"\r\nContent-Type: ${mediaType}\r\n\r\n`,
      );
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      const body = Buffer.concat([head, audio, tail]);
      try {
        let response: Response;
        try {
          response = await fetch(options.url, {
            method: 'POST',
            headers: {
              'content-type': `multipart/form-data; boundary=${boundary}`,
              ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
            },
            body,
            signal: AbortSignal.timeout(timeoutMs),
          });
        } catch (error) {
          throw new TranscriptionError(`the transcription service could not be reached (${(error as Error).name})`);
        }
        if (!response.ok) {
          await response.body?.cancel();
          throw new TranscriptionError(`the transcription service answered ${response.status}`);
        }
        let parsed: unknown;
        try {
          parsed = await response.json();
        } catch {
          throw new TranscriptionError('the transcription service answered something that is not JSON');
        }
        const text = (parsed as { text?: unknown } | null)?.text;
        if (typeof text !== 'string') throw new TranscriptionError('the transcription service answered without a text');
        return { text };
      } finally {
        body.fill(0);
      }
    },
  };
}
