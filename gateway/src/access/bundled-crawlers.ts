import { parseCrawlerRanges, type CrawlerRangesFile } from '../config/schema/crawler-ranges.ts';
// Bundled by esbuild as a JSON module; refreshed by `npm run crawlers:update`.
import data from '../../rules/crawlers.json';

let cached: CrawlerRangesFile | undefined;

/** The crawler ranges shipped with this build, validated once per isolate (throws when invalid). */
export function bundledCrawlerRanges(): CrawlerRangesFile {
  return (cached ??= parseCrawlerRanges(data));
}
