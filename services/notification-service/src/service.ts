import { Collection, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const NOTIFICATION = {
  recipient: { kind: 'string', max: 200 },
  channel: { kind: 'enum', values: ['email', 'sms', 'push'] },
  message: { kind: 'string', max: 2000 },
} as const;

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: ({ logger }) => {
    const notifications = new Collection<{ recipient: string; channel: string; message: string; read: boolean }>('notification');
    return [
      {
        method: 'POST',
        path: '/notifications',
        handler: (req) => {
          const created = notifications.add({ ...parseBody(NOTIFICATION, req.body), read: false });
          logger.info('notification queued', { id: created.id, channel: created.channel });
          return { status: 202, body: created };
        },
      },
      {
        method: 'GET',
        path: '/notifications',
        handler: (req) => {
          const recipient = req.query.get('recipient');
          const unread = req.query.get('unread') === 'true';
          return { status: 200, body: notifications.list((n) => (recipient === null || n.recipient === recipient) && (!unread || !n.read)) };
        },
      },
      { method: 'POST', path: '/notifications/:id/read', handler: (req) => ({ status: 200, body: notifications.update(req.params['id'] ?? '', { read: true }) }) },
    ];
  },
};
