import { Catch, type ExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands an event handler's exception on as it was thrown. Nest's default RPC filter logs it and
 * replaces it with `{ status: 'error', message: 'Internal server error' }`; with this filter the
 * transport's retries, log lines and dead letters (`tessera-dl-detail`) name the real error.
 * Use it as the microservice's global filter: `app.connectMicroservice(…).useGlobalFilters(new EventHandlerErrors())`.
 */
@Catch()
export class EventHandlerErrors implements ExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
