package dev.relaybox.application.auth.port.in;

import dev.relaybox.application.auth.ApiKeyInfo;
import dev.relaybox.application.auth.ApiScope;
import dev.relaybox.application.auth.IssuedApiKey;
import java.util.List;
import java.util.UUID;

/** Keys an admin creates, lists and deletes at run time; the key itself is shown once, at creation. */
public interface ManageApiKeysUseCase {
  IssuedApiKey create(ApiScope scope, String name);

  List<ApiKeyInfo> list();

  boolean delete(UUID id);
}
