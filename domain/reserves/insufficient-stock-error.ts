import { AppError } from '#domain/errors.ts'
import type { AllocationResult } from './allocate-lots.ts'
import { reserveErrors } from './reserve-errors.ts'

/** The refusal for a failed allocation, naming the field the user can change. */
export function allocationError(
  result: Exclude<AllocationResult, { ok: true }>,
  context: { code: string; unit: string; warehouse: string; requested: number; quantityField: string; lotsField: string },
): AppError {
  switch (result.problem) {
    case 'insufficient':
      return new AppError(
        'CONFLICT',
        `Not enough ${context.code} in ${context.warehouse}: ${context.requested} ${context.unit} requested, ${result.available} ${context.unit} available`,
        { fields: { [context.quantityField]: reserveErrors.insufficientStock } },
      )
    case 'lotNotFound':
      return new AppError('INVALID_INPUT', `No stock in lot ${result.lotId}`, { fields: { [context.lotsField]: reserveErrors.lotNotFound } })
    case 'lotMismatch':
      return new AppError('INVALID_INPUT', `Lot ${result.lotId} is not ${context.code} in ${context.warehouse}`, {
        fields: { [context.lotsField]: reserveErrors.lotMismatch },
      })
    case 'lotExpired':
      return new AppError('CONFLICT', `Lot ${result.lotId} has expired: write it off instead`, {
        fields: { [context.lotsField]: reserveErrors.lotExpired },
      })
  }
}
