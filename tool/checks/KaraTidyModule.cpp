//===- KaraTidyModule.cpp - The kara check group --------------------------===//

#include "AnnotationCheck.h"
#include "EffectContractCheck.h"
#include "ParConflictCheck.h"
#include "ParallelizeCheck.h"
#include "SendableCheck.h"
#include "SuggestEffectsCheck.h"

#include "kara/attributes/AttributeNames.h"

#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"

namespace kara {

class KaraModule : public clang::tidy::ClangTidyModule {
public:
  void
  addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<AnnotationCheck>("kara-annotation");
    Factories.registerCheck<EffectContractCheck>("kara-effect-contract");
    Factories.registerCheck<ParallelizeCheck>("kara-parallelize");
    Factories.registerCheck<ParConflictCheck>("kara-par-conflict");
    Factories.registerCheck<SendableCheck>("kara-sendable");
    Factories.registerCheck<SuggestEffectsCheck>("kara-suggest-effects");
  }
};

static clang::tidy::ClangTidyModuleRegistry::Add<KaraModule>
    RegisterKaraModule("kara-module", "Kara effect and parallelism checks.");

bool DiagnosticsForEditor = false;

// Referenced by the drivers so that static linking keeps this file (and the
// attribute registrations it pulls in).
volatile int KaraModuleAnchorSource = KaraAttributesAnchorSource;

} // namespace kara
