import { startLocale } from './i18n/locale';
import './app/tl-app';

void startLocale();
