import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';
import { containsAnyEncoding, dumpDatabase } from '../support/dump.js';
import type { Transcriber } from '../../src/modules/voice/transcriber.js';
import { createVoiceModule } from '../../src/modules/voice/voice.service.js';

/**
 * P04: voice input. The recording is destroyed as soon as it is transcribed; only the transcript
 * is kept, as an ordinary input. The transcription service here is a real HTTP server speaking
 * the OpenAI-compatible API; its "recogniser" reads the words the test put in the recording.
 */
const AUDIO_CANARY = 'P04-AUDIO-CANARY-3e9b1d';

/** A WAV file: an INFO chunk carrying the canary (never spoken), and samples carrying the words. */
function recording(words: string): Buffer {
  const info = Buffer.from(`INFOICMT${AUDIO_CANARY}`);
  const samples = Buffer.concat([Buffer.from(`SPOKEN:${words};`), Buffer.alloc(64, 0x7f)]);
  const chunk = (id: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'ascii');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0); // PCM
  fmt.writeUInt16LE(1, 2); // mono
  fmt.writeUInt32LE(16_000, 4);
  fmt.writeUInt32LE(32_000, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('LIST', info), chunk('data', samples)]);
  return Buffer.concat([chunk('RIFF', body)]);
}

interface Received {
  authorization: string | undefined;
  model: string | null;
  fileType: string | null;
  file: Buffer;
}

/** The transcription service: parses the multipart request and answers with the words found in the file. */
function startTranscriptionService(answer: { status: number } = { status: 200 }) {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const boundary = /boundary=([^;]+)/.exec(req.headers['content-type'] ?? '')?.[1];
      let model: string | null = null;
      let fileType: string | null = null;
      let file = Buffer.alloc(0);
      for (const part of boundary ? splitParts(body, boundary) : []) {
        const headEnd = part.indexOf('\r\n\r\n');
        const head = part.subarray(0, headEnd).toString('latin1');
        const content = part.subarray(headEnd + 4, part.length - 2);
        if (/name="model"/.test(head)) model = content.toString('utf8');
        if (/name="file"/.test(head)) {
          fileType = /Content-Type: (\S+)/i.exec(head)?.[1] ?? null;
          file = Buffer.from(content);
        }
      }
      received.push({ authorization: req.headers.authorization, model, fileType, file });
      if (answer.status !== 200) {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `cannot decode ${file.toString('latin1')}` } }));
        return;
      }
      const words = /SPOKEN:([^;]*);/.exec(file.toString('latin1'))?.[1] ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ text: ` ${words} ` }));
    });
  });
  return new Promise<{ url: string; received: Received[]; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/v1/audio/transcriptions`, received, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

function splitParts(body: Buffer, boundary: string): Buffer[] {
  const marker = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(marker);
  while (at >= 0) {
    const next = body.indexOf(marker, at + marker.length);
    if (next < 0) break;
    parts.push(body.subarray(at + marker.length + 2, next));
    at = next;
  }
  return parts;
}

async function newConversation(h: Harness, user: TestUser, options: { incognito?: boolean } = {}) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: { incognito: options.incognito ?? false } });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

const speak = (h: Harness, user: TestUser, conversationId: string, audio: Buffer, contentType = 'audio/wav') =>
  h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/voice`, headers: { ...user.auth, 'content-type': contentType }, payload: audio });

describe('P04 voice input over a transcription service', () => {
  let service: Awaited<ReturnType<typeof startTranscriptionService>>;
  let h: Harness;
  beforeAll(async () => {
    service = await startTranscriptionService();
    h = await createHarness({ config: { transcribeUrl: service.url, transcribeApiKey: 'transcribe-test-key', transcribeModel: 'whisper-test' } });
  });
  afterAll(async () => {
    await h?.close();
    await service?.close();
  });

  it('P04 keeps only the transcript, as an ordinary user message; the recording is stored, logged and returned nowhere', async () => {
    const user = await h.newUser();
    const conversationId = await newConversation(h, user);
    const audio = recording('book a table for two P04-TRANSCRIPT-51f0');
    // A copy: the server zeroes the very chunks it read, and in-process injection hands it this buffer.
    const sent = Buffer.from(audio);
    const res = await speak(h, user, conversationId, audio);
    expect(res.statusCode).toBe(201);
    expect(res.json().transcript).toBe('book a table for two P04-TRANSCRIPT-51f0');

    // The service got the recording once, as a file of its type, with our key and model.
    expect(service.received).toHaveLength(1);
    expect(service.received[0]).toMatchObject({ authorization: 'Bearer transcribe-test-key', model: 'whisper-test', fileType: 'audio/wav' });
    expect(service.received[0]!.file.equals(sent)).toBe(true);

    // The transcript is an ordinary input: the conversation shows it as the user's message.
    const conversation = (await h.app.inject({ method: 'GET', url: `/v1/conversations/${conversationId}`, headers: user.auth })).json();
    expect(conversation.messages).toEqual([expect.objectContaining({ id: res.json().id, role: 'user', content: 'book a table for two P04-TRANSCRIPT-51f0' })]);

    // Nothing of the recording anywhere, and the transcript only as ciphertext (P02).
    const dump = await dumpDatabase(h.database.db);
    expect(containsAnyEncoding(dump, AUDIO_CANARY)).toBe(false);
    expect(containsAnyEncoding(dump, 'SPOKEN:')).toBe(false);
    expect(containsAnyEncoding(dump, 'P04-TRANSCRIPT-51f0')).toBe(false);
    expect(h.logs.join('\n')).not.toContain(AUDIO_CANARY);
    expect(h.logs.join('\n')).not.toContain('P04-TRANSCRIPT-51f0');
    expect(res.body).not.toContain(AUDIO_CANARY);
  });

  it('P04 sends nothing to the service for a conversation the caller cannot write to', async () => {
    const owner = await h.newUser();
    const stranger = await h.newUser();
    const conversationId = await newConversation(h, owner);
    const before = service.received.length;
    const res = await speak(h, stranger, conversationId, recording('not yours'));
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const deleted = await newConversation(h, owner);
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/conversations/${deleted}`, headers: owner.auth })).statusCode).toBe(204);
    expect((await speak(h, owner, deleted, recording('deleted'))).statusCode).toBe(404);
    expect(service.received.length).toBe(before);
  });

  it('refuses what is not a recording, an empty body and one over the limit, each with a problem', async () => {
    const user = await h.newUser();
    const conversationId = await newConversation(h, user);
    const text = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/voice`, headers: { ...user.auth, 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(415);
    const json = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/voice`, headers: user.auth, payload: { content: 'hello' } });
    expect(json.statusCode).toBe(415);
    expect(json.json().code).toBe('unsupported_media_type');
    const empty = await speak(h, user, conversationId, Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    expect(empty.json().code).toBe('empty_audio');
    const huge = await speak(h, user, conversationId, Buffer.alloc(h.config.maxAudioBytes + 1, 1));
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toContain('application/problem+json');
    const unauthenticated = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/voice`, headers: { 'content-type': 'audio/wav' }, payload: recording('who') });
    expect(unauthenticated.statusCode).toBe(401);
  });
});

describe('P04 when the transcription fails or is not configured', () => {
  it('P04 answers 502 when the service fails, keeps nothing and does not echo what the service said', async () => {
    const failing = await startTranscriptionService({ status: 500 });
    const h = await createHarness({ config: { transcribeUrl: failing.url } });
    try {
      const user = await h.newUser();
      const conversationId = await newConversation(h, user);
      const res = await speak(h, user, conversationId, recording('lost words'));
      expect(res.statusCode).toBe(502);
      expect(res.json().code).toBe('transcription_failed');
      expect(res.body).not.toContain(AUDIO_CANARY);
      expect(h.logs.join('\n')).not.toContain(AUDIO_CANARY);
      const conversation = (await h.app.inject({ method: 'GET', url: `/v1/conversations/${conversationId}`, headers: user.auth })).json();
      expect(conversation.messages).toEqual([]);
      expect(containsAnyEncoding(await dumpDatabase(h.database.db), AUDIO_CANARY)).toBe(false);
    } finally {
      await h.close();
      await failing.close();
    }
  });

  it('refuses voice input with 503 when no transcription service is configured', async () => {
    const h = await createHarness();
    try {
      const user = await h.newUser();
      const conversationId = await newConversation(h, user);
      const res = await speak(h, user, conversationId, recording('nobody listens'));
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('voice_unavailable');
    } finally {
      await h.close();
    }
  });
});

describe('P04 the recording is destroyed as soon as it is transcribed', () => {
  /** A transcriber that keeps a reference to each buffer it was given, to look at it afterwards. */
  function observingTranscriber(outcome: 'text' | 'error') {
    const seen: { buffer: Buffer; copy: Buffer }[] = [];
    const transcriber: Transcriber = {
      async transcribe(audio) {
        seen.push({ buffer: audio, copy: Buffer.from(audio) });
        if (outcome === 'error') throw new Error(`decoder choked on ${audio.toString('latin1')}`);
        return { text: /SPOKEN:([^;]*);/.exec(audio.toString('latin1'))?.[1] ?? '' };
      },
    };
    return { transcriber, seen };
  }

  it('P04 zeroes the one buffer that held the recording, after a transcription and after a failure', async () => {
    for (const outcome of ['text', 'error'] as const) {
      const observer = observingTranscriber(outcome);
      const h = await createHarness({ transcriber: observer.transcriber });
      try {
        const user = await h.newUser();
        const conversationId = await newConversation(h, user);
        const res = await speak(h, user, conversationId, recording('zero me'));
        expect(res.statusCode).toBe(outcome === 'text' ? 201 : 502);
        expect(res.body).not.toContain(AUDIO_CANARY);
        expect(observer.seen).toHaveLength(1);
        // The transcriber really got the recording, and that memory now holds only zeros.
        expect(observer.seen[0]!.copy.toString('latin1')).toContain(AUDIO_CANARY);
        expect(observer.seen[0]!.buffer.every((b) => b === 0)).toBe(true);
      } finally {
        await h.close();
      }
    }
  });

  it('P04 the recording is zeroed before the transcript is written, not only when the response goes', async () => {
    const observer = observingTranscriber('text');
    const h = await createHarness();
    try {
      const user = await h.newUser();
      const conversationId = await newConversation(h, user);
      const zeroedAtAppend: boolean[] = [];
      const voice = createVoiceModule({
        db: h.container.db,
        transcriber: observer.transcriber,
        conversations: {
          appendMessage: (accountId, id, input, options) => {
            zeroedAtAppend.push(observer.seen[0]!.buffer.every((b) => b === 0));
            return h.container.conversations.appendMessage(accountId, id, input, options);
          },
        },
      });
      const result = await voice.appendSpoken(user.id, conversationId, recording('right away'), 'audio/wav');
      expect(result.transcript).toBe('right away');
      expect(zeroedAtAppend).toEqual([true]);
    } finally {
      await h.close();
    }
  });

  it('P04 an empty transcript adds no message', async () => {
    const observer = observingTranscriber('text');
    const h = await createHarness({ transcriber: observer.transcriber });
    try {
      const user = await h.newUser();
      const conversationId = await newConversation(h, user);
      const res = await speak(h, user, conversationId, recording('   '));
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('no_speech');
      expect(observer.seen[0]!.buffer.every((b) => b === 0)).toBe(true);
      const conversation = (await h.app.inject({ method: 'GET', url: `/v1/conversations/${conversationId}`, headers: user.auth })).json();
      expect(conversation.messages).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
