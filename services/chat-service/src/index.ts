import { runService } from '@kodingcaravan/shared';
import { definition } from './service.js';

runService(definition);
