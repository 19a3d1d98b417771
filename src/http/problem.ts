import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../lib/errors.js';

/**
 * RFC 9457 problem details. Every error leaves the server in this one shape with a stable `code`;
 * nothing from the request body is ever echoed (it may be conversation content).
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: { path: string; message: string }[];
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The problem code each failed request was answered with, for the technical request log (P24). */
const problemCodes = new WeakMap<FastifyRequest, string>();
export const problemCodeOf = (request: FastifyRequest): string | null => problemCodes.get(request) ?? null;

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Omit<Problem, 'type' | 'title' | 'instance'> & { title?: string }) {
  problemCodes.set(request, problem.code);
  const body: Problem = {
    type: `https://custos.dev/problems/${problem.code}`,
    title: problem.title ?? titles[problem.status] ?? 'Error',
    instance: request.url.split('?')[0] ?? '/',
    ...problem,
  };
  return reply.status(problem.status).type('application/problem+json').send(body);
}

const postgresConflicts = new Set(['23505', '23503', '23P01']);

/** Maps every error to a problem; unknown ones become a 500 that reveals nothing. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    const retryAfter = error.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    return sendProblem(reply, request, { status: error.status, code: error.code, detail: error.message });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    return sendProblem(reply, request, {
      status: 400,
      code: 'validation_failed',
      detail: `the request ${error.validationContext ?? 'body'} is not valid`,
      errors: error.validation.map((v) => ({
        path: [error.validationContext ?? 'body', ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid',
      })),
    });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendProblem(reply, request, { status: 400, code: 'malformed_json', detail: 'the request body is not valid JSON' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendProblem(reply, request, { status: 413, code: 'body_too_large', detail: 'the request body is too large' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendProblem(reply, request, { status: 415, code: 'unsupported_media_type', detail: 'send application/json' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return sendProblem(reply, request, { status: 400, code: 'invalid_content_length', detail: 'the content length does not match the body' });
  }
  if (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400) {
    return sendProblem(reply, request, { status: 400, code: 'malformed_json', detail: 'the request body is not valid JSON' });
  }
  const sqlState = (error as { code?: string }).code;
  if (sqlState && postgresConflicts.has(sqlState)) {
    return sendProblem(reply, request, { status: 409, code: 'conflict', detail: 'the request conflicts with existing data' });
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return sendProblem(reply, request, { status: error.statusCode, code: 'bad_request', detail: 'the request could not be processed' });
  }
  // Log the error class and stack only: messages of driver errors can quote parameters.
  request.log.error({ err: { type: error.name, code: sqlState, stack: error.stack?.split('\n').slice(1, 6).join('\n') } }, 'unhandled error');
  return sendProblem(reply, request, { status: 500, code: 'internal_error', detail: 'an internal error occurred' });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(reply, request, { status: 404, code: 'route_not_found', detail: 'no such route' });
}
