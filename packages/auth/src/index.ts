export { hashPassword, verifyPassword } from './password.js';
export { authenticate, createAuthRoutes } from './routes.js';
export { AUTH_SECRET_CONFIG, bearerToken, type Claims, MIN_SECRET_LENGTH, ROLES, type Role, signToken, type VerifyResult, verifyToken } from './token.js';
