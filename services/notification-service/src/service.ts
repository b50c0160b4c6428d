import { Collection, HttpError, parseBody, type ServiceDefinition } from '@kodingcaravan/shared';

const NOTIFICATION = {
  recipient: { kind: 'string', max: 200 },
  channel: { kind: 'enum', values: ['email', 'sms', 'push'] },
  message: { kind: 'string', max: 2000 },
} as const;

interface Notification {
  /** The user it is for: the only one (with admins) who reads it or marks it read. */
  recipient: string;
  /** Who sent it: the caller, never a field of the body. */
  sender: string;
  channel: string;
  message: string;
  read: boolean;
}

export const definition: ServiceDefinition<Record<never, never>> = {
  manifest: new URL('../package.json', import.meta.url),
  routes: ({ logger }) => {
    const notifications = new Collection<Notification>('notification');
    return [
      {
        // Trainers and admins notify any user; a student sends none (no spam in others' inboxes). "A trainer
        // notifies only their students" cannot be enforced here: this service keeps no trainer–student
        // relation (enrolments live in course-service, bookings in booking-service) and a user id does not
        // tell a student from a trainer.
        method: 'POST',
        path: '/notifications',
        roles: ['trainer', 'admin'],
        handler: (req, caller) => {
          const created = notifications.add({ ...parseBody(NOTIFICATION, req.body), sender: caller.id, read: false });
          logger.info('notification queued', { id: created.id, channel: created.channel });
          return { status: 202, body: created };
        },
      },
      {
        // Your own inbox; an admin may read anyone's (`?recipient=`), or all of them.
        method: 'GET',
        path: '/notifications',
        roles: ['student', 'trainer', 'admin'],
        anyRecord: ['admin'],
        handler: (req, caller) => {
          const asked = req.query.get('recipient');
          // Checked before the owner: an empty name is a malformed query, not someone else's inbox.
          if (asked === '') throw new HttpError(400, 'query "recipient" must be a user id (?recipient=<user id>, or leave it out for your own inbox), got ""');
          if (asked !== null) caller.assertAccess(asked, `the notifications of ${asked}`);
          const recipient = asked ?? (caller.anyRecord ? null : caller.id);
          const unread = req.query.get('unread') === 'true';
          return { status: 200, body: notifications.list((n) => (recipient === null || n.recipient === recipient) && (!unread || !n.read)) };
        },
      },
      {
        // Only the recipient marks a notification read: an admin reading it leaves it unread for them.
        method: 'POST',
        path: '/notifications/:id/read',
        roles: ['student', 'trainer', 'admin'],
        handler: (req, caller) => {
          const notification = notifications.get(req.params['id'] ?? '');
          caller.assertAccess(notification.recipient, `notification ${notification.id}`);
          if (req.body !== undefined) throw new HttpError(400, 'marking a notification read takes no body');
          return { status: 200, body: notifications.update(notification.id, { read: true }) };
        },
      },
    ];
  },
};
