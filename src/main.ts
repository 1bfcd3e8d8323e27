import './app/tl-app';
