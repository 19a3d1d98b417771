import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses, problemSchema, uuidParam } from '../../http/schemas.js';
import { AppError } from '../../lib/errors.js';
import { voiceMediaTypes, type VoiceModule } from './voice.service.js';

const voiceResponse = z.object({
  id: z.string().describe('the message holding the transcript'),
  transcript: z.string().describe('what was recognised; the audio itself is already destroyed'),
});

const tooLarge = (limit: number) => new AppError('audio_too_large', 413, `the audio is larger than the limit of ${limit} bytes`);

/**
 * Collects the audio into one buffer and zeroes every chunk it was assembled from, so the body
 * exists in exactly one place that the route destroys (the stream's own chunks would otherwise
 * linger in memory until collected).
 */
function collectAudio(limit: number) {
  return (_request: FastifyRequest, payload: NodeJS.ReadableStream, done: (error: Error | null, body?: Buffer) => void) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const wipe = () => {
      for (const c of chunks) c.fill(0);
      chunks.length = 0;
    };
    payload.on('data', (chunk: Buffer) => {
      if (failed) return chunk.fill(0);
      size += chunk.length;
      chunks.push(chunk);
      if (size > limit) {
        failed = true;
        wipe();
        done(tooLarge(limit));
      }
    });
    payload.on('error', (error: Error) => {
      wipe();
      if (!failed) done(error);
      failed = true;
    });
    payload.on('end', () => {
      if (failed) return;
      const body = Buffer.concat(chunks, size);
      wipe();
      done(null, body);
    });
  };
}

export function registerVoiceRoutes(app: App, voice: VoiceModule, options: { guard: RouteGuard; maxAudioBytes: number }) {
  const { guard, maxAudioBytes } = options;
  // Own scope: audio bodies are accepted on this route only.
  void app.register(async (scope: App) => {
    scope.addContentTypeParser([...voiceMediaTypes], { bodyLimit: maxAudioBytes }, collectAudio(maxAudioBytes));
    // Whatever happens to the request (refused by the guard, failed validation), its audio goes.
    scope.addHook('onResponse', async (request) => {
      if (Buffer.isBuffer(request.body)) request.body.fill(0);
    });

    scope.post(
      '/v1/conversations/:id/voice',
      {
        ...guard,
        bodyLimit: maxAudioBytes,
        schema: {
          tags: ['conversations'],
          description: `Voice input (P04): the body is the recording (${voiceMediaTypes.join(', ')}). It is transcribed, destroyed, and the transcript is appended as an ordinary user message.`,
          params: uuidParam,
          response: { 201: voiceResponse, ...problemResponses, 415: problemSchema, 502: problemSchema },
        },
      },
      async (request, reply) => {
        const audio = request.body;
        const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!Buffer.isBuffer(audio)) throw new AppError('unsupported_media_type', 415, `send the recording as one of ${voiceMediaTypes.join(', ')}`);
        const caller = callerOf(request);
        const message = await voice.appendSpoken(caller.accountId, request.params.id, audio, mediaType, { sessionId: caller.sessionId });
        return reply.status(201).send(message);
      },
    );
  });
}
