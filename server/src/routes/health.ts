import type { FastifyPluginAsync } from 'fastify';

// Placeholder: replaced by the real routes.
const routes: FastifyPluginAsync = async () => {};
export default routes;
