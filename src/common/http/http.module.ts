// What the HTTP layer knows of the whole application: which methods each path serves.
import { Global, Module } from '@nestjs/common';
import { RouteMethods } from './route-methods';

@Global()
@Module({ providers: [RouteMethods], exports: [RouteMethods] })
export class HttpModule {}
