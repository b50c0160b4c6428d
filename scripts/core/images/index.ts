export { formatImageRef, type ImageRef, parseImageRef, repositoryOf } from './image-ref.js';
export { type BuildTrigger, imageRepository, imageTags, sanitizeTag, shortSha, tagsFor } from './tags.js';
