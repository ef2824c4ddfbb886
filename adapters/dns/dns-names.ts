import { isIPv4 } from 'node:net';
import { z } from 'zod';

/** A fully qualified host name (RFC 1123 labels), lower-cased, without a trailing dot. */
export const hostnameSchema = z
  .string()
  .transform((v) => v.trim().toLowerCase().replace(/\.$/, ''))
  .refine(
    (v) => v.length <= 253 && v.includes('.') && v.split('.').every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)),
    'must be a fully qualified host name such as t-1234.example.com',
  );

export const ipv4Schema = z.string().refine((v) => isIPv4(v), 'must be an IPv4 address');

/** Checks a host name and address before any provider is called: bad input changes nothing. */
export function checkedRecord(request: { readonly hostname: string; readonly ip: string }): { hostname: string; ip: string } {
  return { hostname: hostnameSchema.parse(request.hostname), ip: ipv4Schema.parse(request.ip) };
}
