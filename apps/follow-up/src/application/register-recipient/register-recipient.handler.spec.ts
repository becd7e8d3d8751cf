import { InMemoryEventStore } from '@tracker/event-store';
import { InvalidTransitionError, RegisterRecipientRequest, recipientIdFor } from '@tracker/contracts';
import type { RequestContext } from '@tracker/platform';
import { RecipientRepository } from '../../infrastructure/recipient.repository';
import { RegisterRecipientCommand } from './register-recipient.command';
import { RegisterRecipientHandler } from './register-recipient.handler';

const ctx: RequestContext = {
  principal: { subject: 'test-admin', role: 'admin', institution: null },
  correlationId: 'corr-1',
};
const request = RegisterRecipientRequest.parse({
  email: 'Secretariat.Fixture@Example.org',
  name: 'Development fixture — secretariat',
  language: 'fr',
  audience: { kind: 'secretariat' },
});

describe(RegisterRecipientHandler.name, () => {
  let store: InMemoryEventStore;
  let sut: RegisterRecipientHandler;
  beforeEach(() => {
    store = new InMemoryEventStore();
    sut = new RegisterRecipientHandler(new RecipientRepository(store));
  });

  it('appends recipient.registered to the stream of the lower-cased address, with the admin as actor', async () => {
    const id = recipientIdFor('secretariat.fixture@example.org');
    expect(await sut.execute(new RegisterRecipientCommand(request, ctx))).toEqual({
      recipientId: id,
      version: 1,
      registered: true,
    });
    const [event, ...rest] = await store.readStream(`recipient-${id}`);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'recipient.registered',
      data: { email: 'secretariat.fixture@example.org', mode: 'immediate', paused: false },
      metadata: { actor: 'test-admin', role: 'admin' },
    });
  });

  it('the same registration again appends nothing; other settings for the address are a conflict', async () => {
    await sut.execute(new RegisterRecipientCommand(request, ctx));
    expect(await sut.execute(new RegisterRecipientCommand(request, ctx))).toMatchObject({
      version: 1,
      registered: false,
    });
    await expect(
      sut.execute(new RegisterRecipientCommand({ ...request, language: 'en' }, ctx)),
    ).rejects.toBeInstanceOf(InvalidTransitionError);
  });
});
