import type { Executor } from '../../db/executor.js';
import { AppError, badRequest, notFound } from '../../lib/errors.js';
import { findLiveConversation } from '../conversations/conversations.repository.js';
import type { ConversationsModule } from '../conversations/conversations.service.js';
import { TranscriptionError, type Transcriber } from './transcriber.js';

/** The audio formats accepted for voice input: what browsers record and transcription services read. */
export const voiceMediaTypes = ['audio/wav', 'audio/x-wav', 'audio/webm', 'audio/ogg', 'audio/mpeg', 'audio/mp4', 'audio/flac'] as const;

export interface VoiceDeps {
  db: Executor;
  /** null: no transcription service configured, voice input is refused. */
  transcriber: Transcriber | null;
  conversations: Pick<ConversationsModule, 'appendMessage'>;
}

/**
 * Voice input (P04): the audio is transcribed, destroyed, and only the transcript is kept, as an
 * ordinary user message (same encryption, retention, incognito and training rules as typed
 * text, because it goes through the same append). The audio never reaches the database, a file
 * or a log: it lives in one buffer that is zeroed in place the moment the transcription is back,
 * whatever its outcome.
 */
export function createVoiceModule({ db, transcriber, conversations }: VoiceDeps) {
  async function transcribeThenDestroy(accountId: string, conversationId: string, audio: Buffer, mediaType: string): Promise<string> {
    try {
      if (!transcriber) throw new AppError('voice_unavailable', 503, 'voice input is not configured on this server');
      if (audio.length === 0) throw badRequest('empty_audio', 'the request carried no audio');
      // The recording goes to the transcription service only for a conversation the caller may write to.
      if (!(await findLiveConversation(db, accountId, conversationId))) throw notFound('conversation');
      try {
        return (await transcriber.transcribe(audio, mediaType)).text;
      } catch (error) {
        throw new AppError('transcription_failed', 502, error instanceof TranscriptionError ? error.message : 'the transcription failed');
      }
    } finally {
      audio.fill(0);
    }
  }

  return {
    available: transcriber !== null,

    async appendSpoken(accountId: string, conversationId: string, audio: Buffer, mediaType: string, options: { sessionId?: string } = {}) {
      const transcript = (await transcribeThenDestroy(accountId, conversationId, audio, mediaType)).trim();
      if (transcript.length === 0) throw new AppError('no_speech', 422, 'no speech was recognised in the audio');
      const message = await conversations.appendMessage(accountId, conversationId, { role: 'user', content: transcript }, options);
      return { id: message.id, transcript };
    },
  };
}

export type VoiceModule = ReturnType<typeof createVoiceModule>;
