import { startLocale } from './i18n/locale';
import './app/tl-app';
import { registerServiceWorker } from './app/service-worker';

registerServiceWorker();
void startLocale();
