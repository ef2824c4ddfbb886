import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { hasZodFastifySchemaValidationErrors, type ZodFastifySchemaValidationError } from 'fastify-type-provider-zod';

/** Every error the API returns has this one shape. */
export function sendError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).type('application/json').send({ error: { code, message } });
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 413, 'payload_too_large', `request body too large: ${error.message}`);
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendError(reply, 415, 'unsupported_media_type', error.message);
    if (hasZodFastifySchemaValidationErrors(error)) return sendError(reply, 400, 'invalid_parameter', validationMessage(error));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode, 'bad_request', error.message);
    }
    request.log.error({ err: error, url: request.url.split('?')[0] }, 'unhandled error');
    return sendError(reply, 500, 'internal_error', 'internal error');
  });
}

/** A request that failed its route's zod schema: every problem, each naming its field and where it was. */
function validationMessage(error: FastifyError & { validation: ZodFastifySchemaValidationError[]; validationContext?: string }): string {
  const where = error.validationContext === 'querystring' ? 'query parameter' : error.validationContext === 'params' ? 'path parameter' : 'field';
  return error.validation
    .map((issue) => {
      // The zod issue's code travels as `keyword`; its other fields (such as `keys`) as `params`.
      const { keys } = issue.params as { keys?: string[] };
      if (issue.keyword === 'unrecognized_keys' && keys) return `unknown ${where}: ${keys.join(', ')}`;
      const name = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return name ? `invalid ${where} ${name}: ${issue.message}` : `invalid ${error.validationContext ?? 'request'}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Fastify's clientErrorHandler: Node could not parse a request (headers over its size limit, a
 * malformed request line, a timeout), so no route or reply exists and the answer is written on the
 * socket, still in the one error shape.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request_header_too_large', 'request headers too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'the request was not received in time']
        : [400, 'bad_request', 'malformed HTTP request'];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
