// The standalone benchmark page (bench.html): what `npm run bench` drives, with nothing else running.
import './panels/bench/bench-panel';
