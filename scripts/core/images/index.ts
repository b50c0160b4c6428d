export { formatImageRef, type ImageRef, parseImageRef, repositoryOf } from './image-ref.js';
export { type BuildTrigger, imageRepositories, imageRepository, imageTags, sanitizeTag, shortSha, tagsFor } from './tags.js';
