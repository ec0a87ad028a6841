import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** The Fastify instance a route file's plugin receives, so a route group can be its own named function. */
export type RouteApp = Parameters<FastifyPluginAsyncTypebox>[0];
