import fp from 'fastify-plugin';

// Placeholder: replaced by the plugin's real implementation.
export default fp(async () => {}, { name: 'heartbeat', fastify: '5.x' });
