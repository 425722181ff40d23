"""The floor of ``debug=fdr``: the same imports, then one plain train, val and test batch of the default model.

torch's first matrix product, backward and optimizer step load and initialise much lazily (about 0.3 s here):
a fast dev run pays that whatever drives it.
"""

import hydra  # noqa: F401  (imported by every tasktriad run)
import lightning.pytorch  # noqa: F401
import omegaconf  # noqa: F401
import torch
import torchmetrics  # noqa: F401
from torch import nn

model = nn.Sequential(nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 5))  # the default
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
x, y = torch.randn(128, 16), torch.randint(5, (128,))
loss = nn.functional.cross_entropy(model(x), y)
optimizer.zero_grad()
loss.backward()
optimizer.step()
with torch.no_grad():
    for _ in range(2):  # a validation and a test batch
        accuracy = (model(x).argmax(-1) == y).float().mean()
print(f"loss {float(loss):.3f}, accuracy {float(accuracy):.3f}")
