// Boots the page: tabs, the four views, and a message if a module failed to load.

import { setupTabs } from './tabs.js';
import { setupTalk } from './talk.js';
import { setupShow } from './show.js';
import { setupWatch } from './watch.js';
import { setupStatus } from './status.js';

const status = setupStatus();
setupTalk();
setupShow();
setupWatch();
setupTabs(name => status.shown(name === 'status'));
document.body.dataset.ready = 'true';
