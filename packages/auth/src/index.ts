export { hashPassword, verifyPassword } from './password.js';
export { authenticate, createAuthRoutes } from './routes.js';
export { bearerToken, type Claims, ROLES, type Role, signToken, type VerifyResult, verifyToken } from './token.js';
