/** An in-memory collection with generated ids: the services keep their demo data in memory. */
import { randomUUID } from 'node:crypto';
import { HttpError } from './http.js';

export interface Entity {
  readonly id: string;
  readonly createdAt: string;
}

export class Collection<T extends object> {
  private readonly items = new Map<string, T & Entity>();

  constructor(
    readonly kind: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  add(value: T): T & Entity {
    const item = { ...value, id: randomUUID(), createdAt: this.now().toISOString() };
    this.items.set(item.id, item);
    return item;
  }

  get(id: string): T & Entity {
    const item = this.items.get(id);
    if (!item) throw new HttpError(404, `${this.kind} ${id} not found`);
    return item;
  }

  update(id: string, patch: Partial<T>): T & Entity {
    const item = { ...this.get(id), ...patch };
    this.items.set(id, item);
    return item;
  }

  list(filter: (item: T & Entity) => boolean = () => true): (T & Entity)[] {
    return [...this.items.values()].filter(filter);
  }

  get size(): number {
    return this.items.size;
  }
}
